package dev.switchboard.usage;

import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.Usage;
import dev.switchboard.database.OutageNotice;
import dev.switchboard.database.PostgresText;
import dev.switchboard.routing.RequestObserver;
import dev.switchboard.routing.RequestRun;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Usage per (UTC day, provider, key alias, model), counted per upstream attempt. Requests only add to
 * in-memory counters; {@link #flush()} takes what accumulated and adds it to PostgreSQL with one atomic
 * upsert per row, so several instances never lose each other's updates. If a write fails the amounts
 * go back into the counters and are written with the next flush: nothing is lost while the database is
 * away, and memory stays bounded by the number of (day, provider, key, model) combinations.
 */
public final class UsageLedger implements RequestObserver {

    private static final Logger log = LoggerFactory.getLogger(UsageLedger.class);

    /** Column order of the counters; must match {@link #UPSERT}. */
    enum Column {
        REQUESTS, SUCCESSES, CANCELLED, RATE_LIMITED, INVALID_KEY, QUOTA, SERVER_ERROR, OVERLOADED, NETWORK, TIMEOUT,
        BAD_REQUEST, PROMPT_TOKENS, COMPLETION_TOKENS, ESTIMATED_TOKENS, LATENCY_MS
    }

    private static final String UPSERT = "insert into usage_daily (day, provider, key_alias, model, requests, successes, "
            + "cancelled, failed_rate_limited, failed_invalid_key, failed_quota, failed_server_error, failed_overloaded, "
            + "failed_network, failed_timeout, failed_bad_request, prompt_tokens, completion_tokens, estimated_tokens, "
            + "total_latency_ms, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
            + "$16, $17, $18, $19, now()) on conflict (day, provider, key_alias, model) do update set "
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
            + "total_latency_ms = usage_daily.total_latency_ms + excluded.total_latency_ms, updated_at = now()";

    /** One row's identity. */
    record Row(LocalDate day, String provider, String key, String model) {
    }

    /** One request-totals row's identity; its counters are requests, latency, prompt and completion tokens. */
    record TotalsRow(LocalDate day, String surface, String path, String outcome) {
    }

    private static final String TOTALS_UPSERT = "insert into requests_daily (day, surface, path, outcome, requests, "
            + "total_latency_ms, prompt_tokens, completion_tokens, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, now()) "
            + "on conflict (day, surface, path, outcome) do update set requests = requests_daily.requests + excluded.requests, "
            + "total_latency_ms = requests_daily.total_latency_ms + excluded.total_latency_ms, "
            + "prompt_tokens = requests_daily.prompt_tokens + excluded.prompt_tokens, "
            + "completion_tokens = requests_daily.completion_tokens + excluded.completion_tokens, updated_at = now()";

    private final Map<TotalsRow, AtomicLongArray> pendingTotals = new ConcurrentHashMap<>();

    private final DatabaseClient database;
    private final Clock clock;
    private final Map<Row, AtomicLongArray> pending = new ConcurrentHashMap<>();
    private final OutageNotice outage = new OutageNotice();

    public UsageLedger(DatabaseClient database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public void ended(RequestRun run) {
        LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        List<Attempt> attempts = run.attempts();
        for (int i = 0; i < attempts.size(); i++) {
            Attempt attempt = attempts.get(i);
            AtomicLongArray row = row(new Row(day, attempt.provider(), attempt.key(), attempt.model()));
            row.incrementAndGet(Column.REQUESTS.ordinal());
            row.addAndGet(Column.LATENCY_MS.ordinal(), attempt.latencyMs());
            Column outcome = attempt.success() ? Column.SUCCESSES : failureColumn(attempt.errorClass());
            if (outcome != null) {
                row.incrementAndGet(outcome.ordinal());
            }
        }
        AtomicLongArray totals = pendingTotals.computeIfAbsent(new TotalsRow(day, run.command().surface().code(),
                run.plan().path().code(), run.outcome() == null ? "failed" : run.outcome().name().toLowerCase()),
                r -> new AtomicLongArray(4));
        totals.incrementAndGet(0);
        totals.addAndGet(1, Math.max(0, run.latencyMs()));
        if (run.usage() != null) {
            totals.addAndGet(2, run.usage().promptTokens());
            totals.addAndGet(3, run.usage().completionTokens());
        }
        Usage usage = run.usage();
        // the route is set once content was delivered: by the success, or by the stream that broke or was cancelled
        RouteInfo route = run.route();
        if (usage != null && route != null) {
            AtomicLongArray row = row(new Row(day, route.provider(), route.key(), route.model()));
            row.addAndGet(Column.PROMPT_TOKENS.ordinal(), usage.promptTokens());
            row.addAndGet(Column.COMPLETION_TOKENS.ordinal(), usage.completionTokens());
            if (usage.estimated()) {
                row.addAndGet(Column.ESTIMATED_TOKENS.ordinal(), usage.totalTokens());
            }
        }
    }

    /** Rows with counts waiting to be written. */
    public int pendingRows() {
        return (int) (pending.values().stream().filter(UsageLedger::hasCounts).count()
                + pendingTotals.values().stream().filter(UsageLedger::hasCounts).count());
    }

    private static boolean hasCounts(AtomicLongArray counters) {
        for (int i = 0; i < counters.length(); i++) {
            if (counters.get(i) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Adds everything counted so far to PostgreSQL; failed rows stay pending. */
    public Mono<Void> flush() {
        List<Map.Entry<Row, long[]>> batch = new ArrayList<>();
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        for (Map.Entry<Row, AtomicLongArray> entry : pending.entrySet()) {
            long[] amounts = take(entry.getValue());
            if (amounts != null) {
                batch.add(Map.entry(entry.getKey(), amounts));
            } else if (entry.getKey().day().isBefore(today)) {
                // rows of past days get no new counts (a request counts on the day it ends), so they can go
                pending.remove(entry.getKey(), entry.getValue());
            }
        }
        List<Map.Entry<TotalsRow, long[]>> totals = new ArrayList<>();
        for (Map.Entry<TotalsRow, AtomicLongArray> entry : pendingTotals.entrySet()) {
            long[] amounts = take(entry.getValue());
            if (amounts != null) {
                totals.add(Map.entry(entry.getKey(), amounts));
            } else if (entry.getKey().day().isBefore(today)) {
                pendingTotals.remove(entry.getKey(), entry.getValue());
            }
        }
        Mono<Void> writeTotals = Flux.fromIterable(totals)
                .concatMap(entry -> writeTotals(entry.getKey(), entry.getValue())
                        .onErrorResume(e -> {
                            AtomicLongArray back = pendingTotals.computeIfAbsent(entry.getKey(), r -> new AtomicLongArray(4));
                            for (int i = 0; i < 4; i++) {
                                back.addAndGet(i, entry.getValue()[i]);
                            }
                            return Mono.empty();
                        }))
                .then();
        return writeTotals.thenMany(Flux.fromIterable(batch))
                .concatMap(entry -> write(entry.getKey(), entry.getValue())
                        .onErrorResume(e -> {
                            giveBack(entry.getKey(), entry.getValue());
                            if (outage.startsFailing()) {
                                log.warn("Usage ledger write failed, kept in memory for the next flush: {}", e.toString());
                            }
                            return Mono.empty();
                        }))
                .then(Mono.fromRunnable(() -> {
                    if (outage.failing() && batch.stream().noneMatch(e -> pending.containsKey(e.getKey()))
                            && outage.recovers()) {
                        log.info("Usage ledger writes resumed");
                    }
                }));
    }

    private Mono<Void> write(Row row, long[] amounts) {
        DatabaseClient.GenericExecuteSpec spec = database.sql(UPSERT)
                .bind(0, row.day()).bind(1, row.provider()).bind(2, row.key()).bind(3, PostgresText.text(row.model()));
        for (int i = 0; i < amounts.length; i++) {
            spec = spec.bind(4 + i, amounts[i]);
        }
        return spec.fetch().rowsUpdated().then();
    }

    private Mono<Void> writeTotals(TotalsRow row, long[] amounts) {
        return database.sql(TOTALS_UPSERT)
                .bind(0, row.day()).bind(1, row.surface()).bind(2, row.path()).bind(3, row.outcome())
                .bind(4, amounts[0]).bind(5, amounts[1]).bind(6, amounts[2]).bind(7, amounts[3])
                .fetch().rowsUpdated().then();
    }

    private AtomicLongArray row(Row row) {
        return pending.computeIfAbsent(row, r -> new AtomicLongArray(Column.values().length));
    }

    private void giveBack(Row row, long[] amounts) {
        AtomicLongArray counters = row(row);
        for (int i = 0; i < amounts.length; i++) {
            counters.addAndGet(i, amounts[i]);
        }
    }

    /** Takes the counters (zeroing them); null when there was nothing. */
    private static long[] take(AtomicLongArray counters) {
        long[] amounts = new long[counters.length()];
        boolean any = false;
        for (int i = 0; i < amounts.length; i++) {
            amounts[i] = counters.getAndSet(i, 0);
            any |= amounts[i] != 0;
        }
        return any ? amounts : null;
    }

    private static Column failureColumn(String errorClass) {
        if (errorClass == null) {
            return null;
        }
        return switch (errorClass) {
            case "rate_limited" -> Column.RATE_LIMITED;
            case "invalid_key" -> Column.INVALID_KEY;
            case "quota_exceeded" -> Column.QUOTA;
            case "overloaded" -> Column.OVERLOADED;
            case "network" -> Column.NETWORK;
            case "timeout" -> Column.TIMEOUT;
            case "bad_request" -> Column.BAD_REQUEST;
            case "cancelled" -> Column.CANCELLED;
            default -> Column.SERVER_ERROR;
        };
    }
}
