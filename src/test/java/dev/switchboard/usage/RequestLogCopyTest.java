package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestLogCopyTest {

    private static RequestLogRow row(String id, String errorMessage) {
        return new RequestLogRow(id, Instant.parse("2026-12-04T20:00:00.123Z"), "client-1", "sync", "a", "fast", "m",
                "fast#1", "failed", "server_error", errorMessage, 12, null, 1, 10, null, 26, true, "stop",
                "[{\"provider\":\"fast\"}]", null, "{\"note\":\"a\\u0000b\"}", null);
    }

    private static String encoded(RequestLogRow... rows) {
        ByteBuf buffer = RequestLogCopy.encode(List.of(rows));
        try {
            return buffer.toString(StandardCharsets.UTF_8);
        } finally {
            buffer.release();
        }
    }

    @Test
    void aRowIsOneLineOfTabSeparatedColumnsInTheCopysColumnOrderWithNullsAsBackslashN() {
        assertThat(encoded(row("r1", "boom"))).isEqualTo(String.join("\t", "r1", "2026-12-04T20:00:00.123Z",
                "client-1", "sync", "a", "fast", "m", "fast#1", "failed", "server_error", "boom", "12", "\\N", "1",
                "10", "\\N", "26", "t", "stop", "[{\"provider\":\"fast\"}]", "\\N",
                "{\"note\":\"a\\\\ufffdb\"}", "\\N") + "\n");
    }

    @Test
    void backslashesTabsAndLineBreaksInAValueAreEscapedSoTheyCannotEndAFieldOrARow() {
        String line = encoded(row("r1", "a\tb\nc\rd\\N é"));

        assertThat(line).contains("\ta\\tb\\nc\\rd\\\\N é\t");
        assertThat(line.chars().filter(c -> c == '\n').count()).isEqualTo(1);
        assertThat(line.split("\t", -1)).hasSize(23);
    }

    @Test
    void rowsFollowEachOtherOneALine() {
        assertThat(encoded(row("r1", "x"), row("r2", "y")).lines().map(l -> l.substring(0, 2)))
                .containsExactly("r1", "r2");
    }
}
