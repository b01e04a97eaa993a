package dev.switchboard.usage;

import static dev.switchboard.database.PostgresText.json;
import static dev.switchboard.database.PostgresText.text;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Wrapped;
import java.nio.charset.StandardCharsets;
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

    /** The rows as COPY's text format: one line a row, tab between columns, {@code \N} for null. */
    static ByteBuf encode(List<RequestLogRow> rows) {
        StringBuilder out = new StringBuilder(rows.size() * 512);
        for (RequestLogRow row : rows) {
            field(out, text(row.id()));
            field(out, row.createdAt().toString());
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
            field(out, row.usageEstimated() ? "t" : "f");
            field(out, text(row.finishReason()));
            field(out, json(row.fallbackChain()));
            field(out, text(row.responseText()));
            field(out, json(row.metadata()));
            out.append(row.traceId() == null ? "\\N" : escaped(row.traceId())).append('\n');
        }
        return Unpooled.wrappedBuffer(out.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void number(StringBuilder out, int value) {
        out.append(value).append('\t');
    }

    private static void number(StringBuilder out, @Nullable Integer value) {
        if (value == null) {
            out.append("\\N\t");
        } else {
            out.append(value.intValue()).append('\t');
        }
    }

    private static void field(StringBuilder out, @Nullable String value) {
        out.append(value == null ? "\\N" : escaped(value)).append('\t');
    }

    /** COPY's text escapes: the backslash itself, and the characters that end a field or a row. */
    static String escaped(String value) {
        int i = 0;
        while (i < value.length() && "\\\t\n\r".indexOf(value.charAt(i)) < 0) {
            i++;
        }
        if (i == value.length()) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16).append(value, 0, i);
        for (; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
