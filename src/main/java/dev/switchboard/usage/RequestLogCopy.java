package dev.switchboard.usage;

import static dev.switchboard.database.PostgresText.json;
import static dev.switchboard.database.PostgresText.text;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Wrapped;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.connection.ConnectionFactoryUtils;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * A batch of request-log rows in one {@code COPY ... FROM STDIN} (PostgreSQL's text format): on the bench,
 * PostgreSQL spent 31 µs of CPU a row on the {@code insert ... select from unnest(...)} of 23 arrays, most of
 * it parsing the array literals, and 18 µs a row on the same rows by {@code COPY} (docs/PERFORMANCE.md). The
 * gateway side is cheaper too: one text buffer instead of 23 escaped array parameters.
 *
 * <p>{@code COPY} has no {@code on conflict}: a batch retried after it did land (the connection lost after
 * the commit) fails on its first duplicate id, and the writer then writes it row by row with the
 * {@code insert ... on conflict do nothing}, as it does any batch refused for its content. Failures are
 * translated as {@link DatabaseClient}'s are, so the writer tells a refused batch from an absent database
 * the same way for both.
 */
final class RequestLogCopy {

    static final String COPY = "copy request_log (id, created_at, client, surface, path, provider, model, key_alias, "
            + "outcome, error_class, error_message, latency_ms, ttft_ms, attempts, prompt_tokens, completion_tokens, "
            + "total_tokens, usage_estimated, finish_reason, fallback_chain, response_text, metadata, trace_id) "
            + "from stdin";

    /** {@code \N}, COPY's null, as the two bytes of a {@link ByteBuf#writeShort}. */
    private static final int NULL = '\\' << 8 | 'N';

    /** The first seconds of the years 1000 and 10000, UTC: {@link #instant} writes the years between. */
    private static final long YEAR_1000 = -30_610_224_000L;
    private static final long YEAR_10000 = 253_402_300_800L;

    private final DatabaseClient database;

    RequestLogCopy(DatabaseClient database) {
        this.database = database;
    }

    /** Writes the rows; answers how many the database took. */
    Mono<Long> write(List<RequestLogRow> rows) {
        return database.inConnection(connection -> postgres(connection)
                        .copyIn(COPY, Mono.fromSupplier(() -> encode(rows))))
                .onErrorMap(R2dbcException.class,
                        e -> ConnectionFactoryUtils.convertR2dbcException("request-log copy", COPY, e));
    }

    private static PostgresqlConnection postgres(Connection connection) {
        Object current = connection;
        while (!(current instanceof PostgresqlConnection) && current instanceof Wrapped<?> wrapped) {
            current = wrapped.unwrap();
        }
        if (current instanceof PostgresqlConnection postgres) {
            return postgres;
        }
        throw new IllegalStateException("the request log needs a PostgreSQL connection, got " + connection.getClass());
    }

    /**
     * The rows as COPY's text format: one line a row, tab between columns, {@code \N} for null. Written as bytes
     * straight into one buffer (values escaped and UTF-8 encoded in place, the time's digits by hand): building a
     * {@code String} per escaped value, the row's text, then its bytes, and formatting each time with
     * {@code DateTimeFormatter}, cost about 2 µs a row on the database client's thread (docs/PERFORMANCE.md).
     */
    static ByteBuf encode(List<RequestLogRow> rows) {
        ByteBuf out = Unpooled.buffer(rows.size() * 640);
        for (RequestLogRow row : rows) {
            field(out, text(row.id()));
            instant(out, row.createdAt());
            out.writeByte('\t');
            field(out, text(row.client()));
            field(out, text(row.surface()));
            field(out, text(row.path()));
            field(out, text(row.provider()));
            field(out, text(row.model()));
            field(out, text(row.keyAlias()));
            field(out, text(row.outcome()));
            field(out, text(row.errorClass()));
            field(out, text(row.errorMessage()));
            number(out, row.latencyMs());
            number(out, row.ttftMs());
            number(out, row.attempts());
            number(out, row.promptTokens());
            number(out, row.completionTokens());
            number(out, row.totalTokens());
            out.writeByte(row.usageEstimated() ? 't' : 'f').writeByte('\t');
            field(out, text(row.finishReason()));
            field(out, json(row.fallbackChain()));
            field(out, text(row.responseText()));
            field(out, json(row.metadata()));
            value(out, row.traceId());
            out.writeByte('\n');
        }
        return out;
    }

    private static void number(ByteBuf out, int value) {
        ByteBufUtil.writeAscii(out, Integer.toString(value));
        out.writeByte('\t');
    }

    private static void number(ByteBuf out, @Nullable Integer value) {
        if (value == null) {
            out.writeShort(NULL).writeByte('\t');
        } else {
            number(out, value.intValue());
        }
    }

    private static void field(ByteBuf out, @Nullable String value) {
        value(out, value);
        out.writeByte('\t');
    }

    private static void value(ByteBuf out, @Nullable String value) {
        if (value == null) {
            out.writeShort(NULL);
        } else {
            escaped(out, value);
        }
    }

    /**
     * The value in UTF-8 with COPY's text escapes: the backslash itself, and the characters that end a field or
     * a row. The runs between escapes are encoded as they are; an escape is ASCII, so a run never splits a
     * surrogate pair.
     */
    static void escaped(ByteBuf out, String value) {
        int run = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!escapedInCopy(c)) {
                continue;
            }
            ByteBufUtil.writeUtf8(out, value, run, i);
            out.writeByte('\\').writeByte(switch (c) {
                case '\t' -> 't';
                case '\n' -> 'n';
                case '\r' -> 'r';
                default -> '\\';
            });
            run = i + 1;
        }
        ByteBufUtil.writeUtf8(out, value, run, value.length());
    }

    private static boolean escapedInCopy(char c) {
        return c == '\\' || c == '\t' || c == '\n' || c == '\r';
    }

    /**
     * The time as {@link Instant#toString()} writes it ({@code 2026-12-05T21:40:00.123Z}: no fraction, or 3, 6
     * or 9 digits of it, whichever is shortest exactly), which PostgreSQL reads as a {@code timestamptz}. Years
     * outside four digits take {@code toString} itself.
     */
    static void instant(ByteBuf out, Instant at) {
        if (at.getEpochSecond() < YEAR_1000 || at.getEpochSecond() >= YEAR_10000) {
            ByteBufUtil.writeAscii(out, at.toString());
            return;
        }
        LocalDateTime time = LocalDateTime.ofEpochSecond(at.getEpochSecond(), 0, ZoneOffset.UTC);
        digits(out, time.getYear(), 4);
        out.writeByte('-');
        digits(out, time.getMonthValue(), 2);
        out.writeByte('-');
        digits(out, time.getDayOfMonth(), 2);
        out.writeByte('T');
        digits(out, time.getHour(), 2);
        out.writeByte(':');
        digits(out, time.getMinute(), 2);
        out.writeByte(':');
        digits(out, time.getSecond(), 2);
        int nano = at.getNano();
        if (nano != 0) {
            out.writeByte('.');
            if (nano % 1_000_000 == 0) {
                digits(out, nano / 1_000_000, 3);
            } else if (nano % 1_000 == 0) {
                digits(out, nano / 1_000, 6);
            } else {
                digits(out, nano, 9);
            }
        }
        out.writeByte('Z');
    }

    /** {@code value} (not negative) in exactly {@code count} decimal digits, zeros in front. */
    private static void digits(ByteBuf out, int value, int count) {
        int at = out.writerIndex();
        out.ensureWritable(count);
        for (int i = count - 1; i >= 0; i--) {
            out.setByte(at + i, '0' + value % 10);
            value /= 10;
        }
        out.writerIndex(at + count);
    }
}
