package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The {@code chunk} and {@code reasoning} events' data on {@code /api/chat/stream}. */
class ChatStreamDeltaTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aDeltaIsOneJsonObjectWithItsTextQuoted() {
        assertThat(new String(ChatStreamHandler.delta(JSON, "say \"hi\"\n\té 😀 \\ \u0001"), StandardCharsets.UTF_8))
                .isEqualTo("{\"delta\":\"say \\\"hi\\\"\\n\\té 😀 \\\\ \\u0001\"}");
    }

    @Test
    void aLoneSurrogateIsWrittenAsTheMapperWritesIt() {
        for (String text : new String[] {"a\ud800b", "\udc00", "end\ud83d"}) {
            assertThat(ChatStreamHandler.delta(JSON, text)).isEqualTo(JSON.writeValueAsBytes(Map.of("delta", text)));
        }
    }

    @Property(tries = 3000)
    void aDeltaIsTheBytesTheMapperWritesForTheSameObject(@ForAll String text) {
        assertThat(ChatStreamHandler.delta(JSON, text)).isEqualTo(JSON.writeValueAsBytes(Map.of("delta", text)));
    }
}
