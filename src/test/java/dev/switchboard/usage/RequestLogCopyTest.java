package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class RequestLogCopyTest {

    private static final Instant AT = Instant.parse("2026-12-04T20:00:00.123Z");
    /** {@link #AT} as PostgreSQL's binary {@code timestamptz}: microseconds since 2000-01-01T00:00:00Z. */
    private static final long AT_MICROS = (AT.getEpochSecond() - 946_684_800L) * 1_000_000L + 123_000L;

    private static RequestLogRow row(String id, String errorMessage) {
        return new RequestLogRow(id, AT, "client-1", "sync", "a", "fast", "m", "fast#1", "failed", "server_error",
                errorMessage, 12, null, 1, 10, null, 26, true, "stop", bytes("[{\"provider\":\"fast\"}]"), null,
                bytes("{\"note\":\"naïve \\ufffd\"}"), null);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads COPY's binary format back: its header, each row's fields (null for SQL null), its trailer. */
    private static List<List<byte @Nullable []>> decoded(RequestLogRow... rows) {
        ByteBuf buffer = RequestLogCopy.encode(List.of(rows));
        try {
            byte[] signature = new byte[11];
            buffer.readBytes(signature);
            assertThat(signature).containsExactly('P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0);
            assertThat(buffer.readInt()).as("flags").isZero();
            assertThat(buffer.readInt()).as("header extension").isZero();
            List<List<byte @Nullable []>> read = new ArrayList<>();
            for (short count = buffer.readShort(); count != -1; count = buffer.readShort()) {
                List<byte @Nullable []> fields = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    int length = buffer.readInt();
                    byte[] field = length == -1 ? null : new byte[length];
                    if (field != null) {
                        buffer.readBytes(field);
                    }
                    fields.add(field);
                }
                read.add(fields);
            }
            assertThat(buffer.isReadable()).as("nothing after the trailer").isFalse();
            return read;
        } finally {
            buffer.release();
        }
    }

    private static @Nullable String utf8(byte @Nullable [] field) {
        return field == null ? null : new String(field, StandardCharsets.UTF_8);
    }

    private static long bigEndian(byte[] field) {
        long value = 0;
        for (byte b : field) {
            value = value << 8 | (b & 0xff);
        }
        return field.length == 4 ? (int) value : value;
    }

    @Test
    void aRowIsItsFieldCountThenEachColumnAsItsLengthAndBytesInTheCopysColumnOrder() {
        List<byte @Nullable []> fields = decoded(row("r1", "boom")).get(0);

        assertThat(fields).hasSize(RequestLogCopy.COLUMNS);
        assertThat(fields.subList(0, 1).stream().map(RequestLogCopyTest::utf8)).containsExactly("r1");
        assertThat(fields.get(1)).hasSize(8);
        assertThat(bigEndian(fields.get(1))).isEqualTo(AT_MICROS);
        assertThat(fields.subList(2, 11).stream().map(RequestLogCopyTest::utf8))
                .containsExactly("client-1", "sync", "a", "fast", "m", "fast#1", "failed", "server_error", "boom");
        assertThat(bigEndian(fields.get(11))).isEqualTo(12);
        assertThat(fields.get(12)).isNull();
        assertThat(bigEndian(fields.get(13))).isEqualTo(1);
        assertThat(bigEndian(fields.get(14))).isEqualTo(10);
        assertThat(fields.get(15)).isNull();
        assertThat(bigEndian(fields.get(16))).isEqualTo(26);
        assertThat(fields.get(17)).containsExactly(1);
        assertThat(utf8(fields.get(18))).isEqualTo("stop");
        assertThat(utf8(fields.get(19))).as("json's binary form is its text").isEqualTo("[{\"provider\":\"fast\"}]");
        assertThat(fields.get(20)).isNull();
        assertThat(utf8(fields.get(21))).as("the document's bytes as they are")
                .isEqualTo("{\"note\":\"naïve \\ufffd\"}");
        assertThat(fields.get(22)).isNull();
    }

    @Test
    void rowsFollowEachOtherBetweenTheHeaderAndTheTrailer() {
        assertThat(decoded(row("r1", "x"), row("r2", "y")).stream().map(fields -> utf8(fields.get(0))))
                .containsExactly("r1", "r2");
        assertThat(decoded()).isEmpty();
    }

    @Test
    void tabsLineBreaksAndBackslashesNeedNoEscapingSinceEachValueCarriesItsLength() {
        String message = "a\tb\nc\rd\\N é";

        assertThat(utf8(decoded(row("r1", message)).get(0).get(10))).isEqualTo(message);
    }

    @Property(tries = 2000)
    void anyStringIsWrittenAsItsUtf8BytesWithTheirCountInFront(@ForAll String value) {
        ByteBuf out = Unpooled.buffer();
        try {
            RequestLogCopy.text(out, value);
            byte[] expected = value.getBytes(StandardCharsets.UTF_8);

            assertThat(out.readInt()).isEqualTo(expected.length);
            assertThat(ByteBufUtil.getBytes(out)).isEqualTo(expected);
        } finally {
            out.release();
        }
    }

    @Property(tries = 5000)
    void aTimeIsItsMicrosecondsSincePostgresEpochRoundedAsPostgresRoundsText(
            @ForAll @LongRange(min = -210_866_803_200L, max = 9_224_318_015_999L) long epochSecond,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nano) {
        Instant at = Instant.ofEpochSecond(epochSecond, nano);
        long expected = BigDecimal.valueOf(epochSecond - 946_684_800L).scaleByPowerOfTen(6)
                .add(BigDecimal.valueOf(nano, 3)).setScale(0, RoundingMode.HALF_EVEN).longValueExact();

        assertThat(RequestLogCopy.micros(at)).isEqualTo(expected);
    }

    @Test
    void halfAMicrosecondGoesToTheEvenOne() {
        assertThat(RequestLogCopy.micros(Instant.ofEpochSecond(946_684_800L, 2_500))).isEqualTo(2);
        assertThat(RequestLogCopy.micros(Instant.ofEpochSecond(946_684_800L, 3_500))).isEqualTo(4);
        assertThat(RequestLogCopy.micros(Instant.ofEpochSecond(946_684_800L, 999_999_500))).isEqualTo(1_000_000);
    }

    @Test
    void timesBeyondWhatTheTypeHoldsAreWrittenAsValuesPostgresRefusesNotAsInfinity() {
        // PostgreSQL reads Long.MAX_VALUE as infinity and Long.MIN_VALUE as -infinity
        assertThat(RequestLogCopy.micros(Instant.MAX)).isNotEqualTo(Long.MAX_VALUE).isGreaterThan(Long.MAX_VALUE / 2);
        assertThat(RequestLogCopy.micros(Instant.MIN)).isNotEqualTo(Long.MIN_VALUE).isLessThan(Long.MIN_VALUE / 2);
    }
}
