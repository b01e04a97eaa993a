package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
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

    @Test
    void aValueIsWrittenInUtf8WithEscapesBetweenRunsOfAnyCharacter() {
        String value = "\\é\t😀\n\r日本\\";

        assertThat(written(value)).isEqualTo("\\\\é\\t😀\\n\\r日本\\\\");
    }

    @Property(tries = 2000)
    void anyStringIsWrittenAsItsUtf8BytesWithTheFourCharactersEscaped(@ForAll String value) {
        String expected = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");

        assertThat(written(value)).isEqualTo(new String(expected.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    @Property(tries = 5000)
    void aTimeIsWrittenAsInstantToStringWritesIt(
            @ForAll @LongRange(min = -62_135_596_800L, max = 400_000_000_000L) long epochSecond,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nano, @ForAll @IntRange(min = 0, max = 2) int rounding) {
        // rounded to whole milli- and microseconds too, which toString writes with 3 and 6 digits
        int rounded = rounding == 0 ? nano : rounding == 1 ? nano / 1_000_000 * 1_000_000 : nano / 1_000 * 1_000;
        Instant at = Instant.ofEpochSecond(epochSecond, rounded);

        assertThat(time(at)).isEqualTo(at.toString());
    }

    @Test
    void wholeSecondsAndYearsOutsideFourDigitsAreWrittenAsInstantToStringWritesThem() {
        for (Instant at : List.of(Instant.parse("2026-12-05T21:40:00Z"), Instant.parse("0999-01-01T00:00:00.5Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.EPOCH, Instant.MIN, Instant.MAX)) {
            assertThat(time(at)).isEqualTo(at.toString());
        }
    }

    private static String written(String value) {
        ByteBuf out = Unpooled.buffer();
        RequestLogCopy.escaped(out, value);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String time(Instant at) {
        ByteBuf out = Unpooled.buffer();
        RequestLogCopy.instant(out, at);
        return out.toString(StandardCharsets.US_ASCII);
    }
}
