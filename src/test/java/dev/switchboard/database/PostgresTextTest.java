package dev.switchboard.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class PostgresTextTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void textWithoutNulIsTheSameInstance() {
        String plain = "hello \\u0000 world";
        assertThat(PostgresText.text(plain)).isSameAs(plain);
        assertThat(PostgresText.text(null)).isNull();
    }

    @Test
    void nulInTextBecomesTheReplacementCharacter() {
        assertThat(PostgresText.text("a\u0000b\u0000")).isEqualTo("a\uFFFDb\uFFFD");
    }

    @Test
    void escapedNulInJsonBecomesAnEscapedReplacementCharacter() {
        String serialized = json.writeValueAsString(Map.of("model", "x\u0000y"));
        assertThat(serialized).contains("\\u0000");

        String stored = PostgresText.json(serialized);

        assertThat(stored).doesNotContain("\\u0000");
        assertThat(json.readTree(stored).get("model").asString()).isEqualTo("x\uFFFDy");
    }

    @Test
    void anEscapedBackslashFollowedByU0000IsTextAndStaysAsItIs() {
        String serialized = json.writeValueAsString(Map.of("path", "C:\\u0000"));
        assertThat(serialized).contains("\\\\u0000");

        assertThat(PostgresText.json(serialized)).isEqualTo(serialized);
    }

    @Test
    void anEscapedBackslashThenAnEscapedNulKeepsTheBackslashAndReplacesTheNul() {
        String serialized = json.writeValueAsString(Map.of("v", "\\\u0000"));

        String stored = PostgresText.json(serialized);

        assertThat(json.readTree(stored).get("v").asString()).isEqualTo("\\\uFFFD");
    }

    @Test
    void rawNulInsideJsonTextIsReplacedToo() {
        assertThat(PostgresText.json("{\"a\":\"x\u0000\"}")).isEqualTo("{\"a\":\"x\uFFFD\"}");
        assertThat(PostgresText.json(null)).isNull();
    }

    @Test
    void theJsonEscapesWriteNulAsTheEscapedReplacementCharacterAndEveryOtherCharacterAsStandardJson() {
        Map<String, String> value = Map.of("v", "x\u0000y\u0001\"\\\n é😀\u2028");

        String written = json.writer().with(PostgresText.JSON_ESCAPES).writeValueAsString(value);
        byte[] asBytes = json.writer().with(PostgresText.JSON_ESCAPES).writeValueAsBytes(value);

        assertThat(written).doesNotContain("\\u0000").contains("x\\ufffdy\\u0001");
        assertThat(written.replace("\\ufffd", "\\u0000")).isEqualTo(json.writeValueAsString(value));
        assertThat(new String(asBytes, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(written);
    }
}
