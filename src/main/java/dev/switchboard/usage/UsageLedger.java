package dev.switchboard.usage;

import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.Usage;
import dev.switchboard.database.OutageNotice;
import dev.switchboard.database.PostgresText;
import dev.switchboard.database.RowRefusal;
import dev.switchboard.routing.RequestObserver;
import dev.switchboard.routing.RequestRun;
import dev.switchboard.support.UtcDay;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Usage per (UTC day, provider, key alias, model), counted per upstream attempt. Requests only add to
 * in-memory counters; {@link #flush()} takes what accumulated and adds it to PostgreSQL with one atomic
 * upsert per table (all its rows), so several instances never lose each other's updates. If a write fails the amounts
 * go back into the counters and are written with the next flush: nothing is lost while the database is
 * away, and memory stays bounded by the number of (day, provider, key, model) combinations.
 */
public final class UsageLedger implements RequestObserver {

    private static final Logger log = LoggerFactory.getLogger(UsageLedger.class);

    /** Counters of one (day, provider, key, model) row, in the order of {@link #UPSERT}'s parameters. */
    enum Column {
        REQUESTS, SUCCESSES, CANCELLED, RATE_LIMITED, INVALID_KEY, QUOTA, SERVER_ERROR, OVERLOADED, NETWORK, TIMEOUT,
        BAD_REQUEST, PROMPT_TOKENS, COMPLETION_TOKENS, ESTIMATED_TOKENS, LATENCY_MS, CACHED_TOKENS, CACHE_WRITE_TOKENS,
        REASONING_TOKENS, TOOL_CALLS, IMAGE_INPUTS
    }

    /** Counters of one (day, surface, path, outcome) row, in the order of {@link #TOTALS_UPSERT}'s parameters. */
    enum TotalsColumn {
        REQUESTS, LATENCY_MS, PROMPT_TOKENS, COMPLETION_TOKENS
    }

    private static final String UPSERT = "insert into usage_daily (day, provider, key_alias, model, requests, successes, "
            + "cancelled, failed_rate_limited, failed_invalid_key, failed_quota, failed_server_error, failed_overloaded, "
            + "failed_network, failed_timeout, failed_bad_request, prompt_tokens, completion_tokens, estimated_tokens, "
            + "total_latency_ms, cached_tokens, cache_write_tokens, reasoning_tokens, tool_calls, image_inputs, updated_at) "
            + "select *, now() from unnest($1::date[], $2::varchar[], $3::varchar[], $4::varchar[], " + amounts(Column.class) + ") "
            + "on conflict (day, provider, key_alias, model) do update set "
            + "requests = usage_daily.requests + excluded.requests, successes = usage_daily.successes + excluded.successes, "
            + "cancelled = usage_daily.cancelled + excluded.cancelled, "
            + "failed_rate_limited = usage_daily.failed_rate_limited + excluded.failed_rate_limited, "
            + "failed_invalid_key = usage_daily.failed_invalid_key + excluded.failed_invalid_key, "
            + "failed_quota = usage_daily.failed_quota + excluded.failed_quota, "
            + "failed_server_error = usage_daily.failed_server_error + excluded.failed_server_error, "
            + "failed_overloaded = usage_daily.failed_overloaded + excluded.failed_overloaded, "
            + "failed_network = usage_daily.failed_network + excluded.failed_network, "
            + "failed_timeout = usage_daily.failed_timeout + excluded.failed_timeout, "
            + "failed_bad_request = usage_daily.failed_bad_request + excluded.failed_bad_request, "
            + "prompt_tokens = usage_daily.prompt_tokens + excluded.prompt_tokens, "
            + "completion_tokens = usage_daily.completion_tokens + excluded.completion_tokens, "
            + "estimated_tokens = usage_daily.estimated_tokens + excluded.estimated_tokens, "
            + "total_latency_ms = usage_daily.total_latency_ms + excluded.total_latency_ms, "
            + "cached_tokens = usage_daily.cached_tokens + excluded.cached_tokens, "
            + "cache_write_tokens = usage_daily.cache_write_tokens + excluded.cache_write_tokens, "
            + "reasoning_tokens = usage_daily.reasoning_tokens + excluded.reasoning_tokens, "
            + "tool_calls = usage_daily.tool_calls + excluded.tool_calls, "
            + "image_inputs = usage_daily.image_inputs + excluded.image_inputs, updated_at = now()";

    private static final String TOTALS_UPSERT = "insert into requests_daily (day, surface, path, outcome, requests, "
            + "total_latency_ms, prompt_tokens, completion_tokens, updated_at) select *, now() from unnest($1::date[], $2::varchar[], $3::varchar[], $4::varchar[], "
            + amounts(TotalsColumn.class) + ") on conflict (day, surface, path, outcome) do update set requests = requests_daily.requests + excluded.requests, "
            + "total_latency_ms = requests_daily.total_latency_ms + excluded.total_latency_ms, "
            + "prompt_tokens = requests_daily.prompt_tokens + excluded.prompt_tokens, "
            + "completion_tokens = requests_daily.completion_tokens + excluded.completion_tokens, updated_at = now()";

    /** One attempts row's identity. */
    record Row(LocalDate day, String provider, String key, String model) {
    }

    /** One request-totals row's identity. */
    record TotalsRow(LocalDate day, String surface, String path, String outcome) {
    }

    private final DatabaseClient database;
    private final Clock clock;
    private final PendingCounts<Row, Column> attempts = new PendingCounts<>(Column.class, Row::day);
    private final PendingCounts<TotalsRow, TotalsColumn> requests = new PendingCounts<>(TotalsColumn.class,
            TotalsRow::day);
    private final OutageNotice outage = new OutageNotice();

    public UsageLedger(DatabaseClient database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public void ended(RequestRun run) {
        LocalDate day = UtcDay.today(clock);
        for (Attempt attempt : run.attempts()) {
            if (!attempt.upstream()) {
                continue;
            }
            PendingCounts.RowCounts<Column> counts =
                    attempts.row(new Row(day, attempt.provider(), attempt.key(), attempt.model()));
            counts.increment(Column.REQUESTS);
            counts.add(Column.LATENCY_MS, attempt.latencyMs());
            counts.increment(attempt.success() ? Column.SUCCESSES : failureColumn(attempt.errorClass()));
        }
        Usage usage = run.usage();
        PendingCounts.RowCounts<TotalsColumn> totals = requests.row(new TotalsRow(day, run.command().surface().code(),
                run.plan().path().code(), run.outcomeCode()));
        totals.increment(TotalsColumn.REQUESTS);
        totals.add(TotalsColumn.LATENCY_MS, Math.max(0, run.latencyMs()));
        if (usage != null) {
            totals.add(TotalsColumn.PROMPT_TOKENS, usage.promptTokens());
            totals.add(TotalsColumn.COMPLETION_TOKENS, usage.completionTokens());
        }
        // the route is set once content was delivered: by the success, or by the stream that broke or was cancelled;
        // a cache hit asked no key
        RouteInfo route = run.route();
        if (usage != null && route != null && !run.cacheHit()) {
            PendingCounts.RowCounts<Column> counts =
                    attempts.row(new Row(day, route.provider(), route.key(), route.model()));
            counts.add(Column.PROMPT_TOKENS, usage.promptTokens());
            counts.add(Column.COMPLETION_TOKENS, usage.completionTokens());
            if (usage.estimated()) {
                counts.add(Column.ESTIMATED_TOKENS, usage.totalTokens());
            }
            counts.add(Column.CACHED_TOKENS, usage.cachedTokens());
            counts.add(Column.CACHE_WRITE_TOKENS, usage.cacheWriteTokens());
            counts.add(Column.REASONING_TOKENS, usage.reasoningTokens());
            counts.add(Column.TOOL_CALLS, run.toolCalls());
            counts.add(Column.IMAGE_INPUTS, run.images());
        }
    }

    /** Rows with counts waiting to be written. */
    public int pendingRows() {
        return attempts.pendingRows() + requests.pendingRows();
    }

    /**
     * Adds everything counted so far to PostgreSQL, one statement a table; rows that fail stay pending for the
     * next flush.
     */
    public Mono<Void> flush() {
        LocalDate today = UtcDay.today(clock);
        boolean[] failed = new boolean[1];
        return Flux.concat(
                        write(requests, requests.drain(today), TOTALS_UPSERT, TotalsRow::day,
                                row -> new String[] {row.surface(), row.path(), row.outcome()}, failed),
                        write(attempts, attempts.drain(today), UPSERT, Row::day,
                                row -> new String[] {row.provider(), row.key(), PostgresText.text(row.model())}, failed))
                .then(Mono.fromRunnable(() -> {
                    if (!failed[0] && outage.recovers()) {
                        log.info("Usage ledger writes resumed");
                    }
                }));
    }

    /**
     * Writes one table's drained rows with one upsert, each column an array ({@code unnest}): one statement,
     * one round trip and one transaction. One upsert a row had cost a pooled connection and a round trip each,
     * every second (docs/PERFORMANCE.md). If the database fails, none was added and every row goes back to its
     * counters. If it refuses a row for its content (a check it fails; names are held to their columns where they
     * enter, by {@code NameLimits}), the rows are written one by one, so that row alone stays pending, as when
     * every row was its own statement.
     *
     * @param names the row's identity after its day, in the statement's order ($2–$4)
     */
    private <K, C extends Enum<C>> Mono<Void> write(PendingCounts<K, C> counts, List<PendingCounts.Drained<K>> rows,
            String sql, Function<K, LocalDate> day, Function<K, String[]> names, boolean[] failed) {
        if (rows.isEmpty()) {
            return Mono.empty();
        }
        Function<List<PendingCounts.Drained<K>>, Mono<Void>> giveBack = kept -> {
            kept.forEach(counts::giveBack);
            failed[0] = true;
            return Mono.empty();
        };
        return upsert(rows, sql, day, names)
                .onErrorResume(e -> rows.size() > 1 && RowRefusal.isRowProblem(e), e -> Flux.fromIterable(rows)
                        .concatMap(row -> upsert(List.of(row), sql, day, names).onErrorResume(rowError -> {
                            logFailure(rowError);
                            return giveBack.apply(List.of(row));
                        }))
                        .then())
                .onErrorResume(e -> {
                    logFailure(e);
                    return giveBack.apply(rows);
                });
    }

    /** The upsert of {@code rows}: the day, the three names and every amount, each an array of one value a row. */
    private <K> Mono<Void> upsert(List<PendingCounts.Drained<K>> rows, String sql, Function<K, LocalDate> day,
            Function<K, String[]> names) {
        int n = rows.size();
        int width = rows.get(0).amounts().length;
        LocalDate[] days = new LocalDate[n];
        String[][] text = new String[3][n];
        Long[][] amounts = new Long[width][n];
        for (int i = 0; i < n; i++) {
            PendingCounts.Drained<K> row = rows.get(i);
            days[i] = day.apply(row.row());
            String[] identity = names.apply(row.row());
            for (int j = 0; j < 3; j++) {
                text[j][i] = identity[j];
            }
            for (int j = 0; j < width; j++) {
                amounts[j][i] = row.amounts()[j];
            }
        }
        DatabaseClient.GenericExecuteSpec spec = database.sql(sql)
                .bind(0, days).bind(1, text[0]).bind(2, text[1]).bind(3, text[2]);
        for (int j = 0; j < width; j++) {
            spec = spec.bind(4 + j, amounts[j]);
        }
        return spec.fetch().rowsUpdated().then();
    }

    private void logFailure(Throwable error) {
        if (outage.startsFailing()) {
            log.warn("Usage ledger write failed, kept in memory for the next flush: {}", error.toString());
        }
    }

    /** The array parameters of a table's amounts, {@code $5} on: one per column of {@code columns}. */
    private static String amounts(Class<? extends Enum<?>> columns) {
        StringBuilder out = new StringBuilder();
        int count = columns.getEnumConstants().length;
        for (int i = 0; i < count; i++) {
            out.append(i == 0 ? "" : ", ").append('$').append(5 + i).append("::bigint[]");
        }
        return out.toString();
    }

    private static Column failureColumn(@Nullable ErrorClass errorClass) {
        if (errorClass == null) {
            return Column.SERVER_ERROR;
        }
        return switch (errorClass) {
            case RATE_LIMITED -> Column.RATE_LIMITED;
            case INVALID_KEY -> Column.INVALID_KEY;
            case QUOTA_EXCEEDED -> Column.QUOTA;
            case OVERLOADED -> Column.OVERLOADED;
            case NETWORK -> Column.NETWORK;
            case TIMEOUT -> Column.TIMEOUT;
            case BAD_REQUEST, MODEL_NOT_FOUND -> Column.BAD_REQUEST;
            case CANCELLED, HEDGED_OUT -> Column.CANCELLED;
            case SERVER_ERROR, WAITED -> Column.SERVER_ERROR;
        };
    }
}
