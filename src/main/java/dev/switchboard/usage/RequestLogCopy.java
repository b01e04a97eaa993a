package dev.switchboard.usage;

import dev.switchboard.database.PostgresText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Wrapped;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.connection.ConnectionFactoryUtils;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * A batch of request-log rows in one {@code COPY ... FROM STDIN} in PostgreSQL's binary format: on the bench,
 * PostgreSQL spent 31 µs of CPU a row on the {@code insert ... select from unnest(...)} of 23 arrays, most of
 * it parsing the array literals, and 18 µs a row on the same rows by {@code COPY} in the text format; the binary
 * format takes 1.6–3.1 µs a row more off that in a bulk load, 0.8–1.7 µs a request in the gateway's own batches
 * (no line and escape scanning, no parsing of the time and the numbers: each value comes with its length, in the
 * type's own binary form; docs/PERFORMANCE.md). The gateway side is cheaper too: no escaping pass over each value.
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
            + "from stdin with (format binary)";

    /** The columns of {@link #COPY}, each row's field count. */
    static final int COLUMNS = 23;

    /** The binary format's signature, then its flags (none) and the length of its header extension (none). */
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0,
            0, 0, 0, 0, 0, 0, 0, 0};
    /** A field's length for SQL null. */
    private static final int NULL = -1;
    /** The field count that ends the data. */
    private static final short TRAILER = -1;
    /** PostgreSQL's epoch, 2000-01-01T00:00:00Z, in seconds of the Unix epoch: a time is microseconds since it. */
    private static final long POSTGRES_EPOCH = 946_684_800L;
    /**
     * The microseconds PostgreSQL's binary input refuses as out of range (its last valid time is in the year
     * 294276, and the largest value means {@code infinity}): a time beyond what the type holds fails its row,
     * as it did in the text format, instead of being stored as infinity or overflowing.
     */
    private static final long OUT_OF_RANGE = Long.MAX_VALUE - 1;

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
     * The rows in COPY's binary format: the header, then each row as its field count and each field as its
     * length ({@code -1} for null) and its bytes, then the trailer. Text is UTF-8 (the connection's client
     * encoding), integers and times big-endian.
     */
    static ByteBuf encode(List<RequestLogRow> rows) {
        ByteBuf out = Unpooled.buffer(HEADER.length + rows.size() * 640 + 2);
        out.writeBytes(HEADER);
        for (RequestLogRow row : rows) {
            out.writeShort(COLUMNS);
            text(out, PostgresText.text(row.id()));
            timestamptz(out, row.createdAt());
            text(out, PostgresText.text(row.client()));
            text(out, PostgresText.text(row.surface()));
            text(out, PostgresText.text(row.path()));
            text(out, PostgresText.text(row.provider()));
            text(out, PostgresText.text(row.model()));
            text(out, PostgresText.text(row.keyAlias()));
            text(out, PostgresText.text(row.outcome()));
            text(out, PostgresText.text(row.errorClass()));
            text(out, PostgresText.text(row.errorMessage()));
            int4(out, row.latencyMs());
            int4(out, row.ttftMs());
            int4(out, row.attempts());
            int4(out, row.promptTokens());
            int4(out, row.completionTokens());
            int4(out, row.totalTokens());
            out.writeInt(1).writeByte(row.usageEstimated() ? 1 : 0);
            text(out, PostgresText.text(row.finishReason()));
            json(out, row.fallbackChain());
            text(out, PostgresText.text(row.responseText()));
            json(out, row.metadata());
            text(out, PostgresText.text(row.traceId()));
        }
        return out.writeShort(TRAILER);
    }

    /** A {@code varchar} or {@code text} value: its UTF-8 bytes, their count written in front once known. */
    static void text(ByteBuf out, @Nullable String value) {
        if (value == null) {
            out.writeInt(NULL);
            return;
        }
        int length = out.writerIndex();
        out.writeInt(0);
        out.setInt(length, ByteBufUtil.writeUtf8(out, value));
    }

    /**
     * A {@code json} value: the document's UTF-8 text, written as it is (its binary form is its text; the row's
     * documents are storable as made: {@link RequestLogRow}).
     */
    private static void json(ByteBuf out, byte @Nullable [] document) {
        if (document == null) {
            out.writeInt(NULL);
            return;
        }
        out.writeInt(document.length).writeBytes(document);
    }

    private static void int4(ByteBuf out, int value) {
        out.writeInt(4).writeInt(value);
    }

    private static void int4(ByteBuf out, @Nullable Integer value) {
        if (value == null) {
            out.writeInt(NULL);
        } else {
            int4(out, value.intValue());
        }
    }

    /** A {@code timestamptz}: eight bytes, the microseconds since 2000-01-01T00:00:00Z. */
    static void timestamptz(ByteBuf out, Instant at) {
        out.writeInt(8).writeLong(micros(at));
    }

    /**
     * Microseconds since PostgreSQL's epoch, the nanoseconds rounded to the nearest microsecond and a half to
     * the even one, as PostgreSQL rounds a time given with more digits in the text format.
     */
    static long micros(Instant at) {
        long micros = at.getNano() / 1_000;
        int rest = at.getNano() % 1_000;
        if (rest > 500 || rest == 500 && (micros & 1) == 1) {
            micros++;
        }
        try {
            return Math.addExact(Math.multiplyExact(Math.subtractExact(at.getEpochSecond(), POSTGRES_EPOCH),
                    1_000_000L), micros);
        } catch (ArithmeticException beyondTheType) {
            return at.getEpochSecond() < 0 ? -OUT_OF_RANGE : OUT_OF_RANGE;
        }
    }
}
