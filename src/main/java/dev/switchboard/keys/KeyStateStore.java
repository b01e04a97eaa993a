package dev.switchboard.keys;

import dev.switchboard.database.OutageNotice;
import dev.switchboard.database.PostgresText;
import dev.switchboard.database.RowRefusal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps key states and daily counters in PostgreSQL (R2DBC), so a restart keeps them and several
 * instances share them. State changes are collected (latest per key) and counter deltas are taken from
 * {@link DailyLimits}; {@link #flush()} writes both with upserts (counters add atomically and read the
 * shared total back, in the same statement that re-reads today's totals). Nothing here runs on the request path.
 */
public final class KeyStateStore {

    private static final Logger log = LoggerFactory.getLogger(KeyStateStore.class);
    private static final long FAR_FUTURE = Instant.parse("9999-01-01T00:00:00Z").toEpochMilli();

    /** See {@link #writeAndRereadCounters()}: $1–$5 the deltas as arrays, $6 today. */
    private static final String COUNTERS = "with added as (insert into daily_counters (day, scope, provider, name, calls, "
            + "updated_at) select day, scope, provider, name, calls, now() from unnest($1::date[], $2::varchar[], "
            + "$3::varchar[], $4::varchar[], $5::bigint[]) as d(day, scope, provider, name, calls) "
            + "on conflict (day, scope, provider, name) do update set calls = daily_counters.calls + excluded.calls, "
            + "updated_at = now() returning day, scope, provider, name, calls) "
            + "select day, scope, provider, name, calls, true as own from added "
            + "union all select c.day, c.scope, c.provider, c.name, c.calls, false from daily_counters c where c.day = $6 "
            + "and not exists (select 1 from added a where a.day = c.day and a.scope = c.scope "
            + "and a.provider = c.provider and a.name = c.name)";

    private final DatabaseClient database;
    private final KeyHealth health;
    private final DailyLimits limits;
    private final Map<String, KeyStateChange> dirty = new ConcurrentHashMap<>();
    private final OutageNotice outage = new OutageNotice();
    private volatile Function<KeyStateChange, Mono<Void>> notifier = change -> Mono.empty();

    public KeyStateStore(DatabaseClient database, KeyHealth health, DailyLimits limits) {
        this.database = database;
        this.health = health;
        this.limits = limits;
    }

    /** Tells other instances about a written change (see {@link KeyStateSync}). */
    public void notifyWith(Function<KeyStateChange, Mono<Void>> notifier) {
        this.notifier = notifier;
    }

    /** Remembers a change to write with the next flush (only the latest per key matters). */
    public void changed(KeyStateChange change) {
        dirty.put(change.provider() + '\u0000' + change.alias(), change);
    }

    /** Re-reads every persisted key state (the safety net behind the notifications between instances). */
    public Mono<Void> reloadStates() {
        return readStates().doOnNext(health::restore).then();
    }

    /** Loads persisted key states and today's counters into memory. */
    public Mono<Void> load() {
        return reloadStates().then(Mono.defer(() -> addAndReread(List.of(), limits.today())));
    }

    private Flux<KeyStateChange> readStates() {
        return database.sql("select provider, key_alias, key_fingerprint, status, reason, cooldown_until, "
                        + "consecutive_failures, updated_at from key_state")
                .map((row, meta) -> new KeyStateChange(
                        row.get("provider", String.class),
                        row.get("key_alias", String.class),
                        row.get("key_fingerprint", String.class),
                        KeyStatus.fromCode(row.get("status", String.class)),
                        row.get("reason", String.class),
                        untilMillis(row.get("cooldown_until", Instant.class), row.get("status", String.class)),
                        orZero(row.get("consecutive_failures", Integer.class)),
                        row.get("updated_at", Instant.class).toEpochMilli()))
                .all();
    }

    /**
     * Writes pending state changes only (cheap when there are none); other instances are notified. A change
     * that cannot be written stays pending for the next run; the outage is logged once by {@link #flush()},
     * which runs every second with the counters.
     */
    public Mono<Void> flushStates() {
        return writeStates().onErrorResume(e -> Mono.empty());
    }

    /** Writes pending state changes and counter deltas, and re-reads today's shared totals. */
    public Mono<Void> flush() {
        return writeStates().then(writeAndRereadCounters())
                .doOnSuccess(v -> {
                    if (outage.recovers()) {
                        log.info("Key state and counters are written to PostgreSQL again");
                    }
                })
                .onErrorResume(e -> {
                    if (outage.startsFailing()) {
                        log.warn("Could not write key state or counters (kept in memory, will retry): {}", e.toString());
                    }
                    return Mono.empty();
                });
    }

    private Mono<Void> writeStates() {
        if (dirty.isEmpty()) {
            return Mono.empty();
        }
        List<KeyStateChange> batch = new ArrayList<>(dirty.values());
        batch.forEach(change -> dirty.remove(change.provider() + '\u0000' + change.alias(), change));
        return Flux.fromIterable(batch)
                .concatMap(change -> database.sql("insert into key_state (provider, key_alias, key_fingerprint, status, "
                                + "reason, cooldown_until, consecutive_failures, updated_at) values (:provider, :alias, "
                                + ":fingerprint, :status, :reason, :until, :failures, :at) on conflict (provider, key_alias) "
                                + "do update set key_fingerprint = excluded.key_fingerprint, status = excluded.status, "
                                + "reason = excluded.reason, cooldown_until = excluded.cooldown_until, "
                                + "consecutive_failures = excluded.consecutive_failures, updated_at = excluded.updated_at")
                        .bind("provider", change.provider())
                        .bind("alias", change.alias())
                        .bind("fingerprint", change.fingerprint())
                        .bind("status", change.status().code())
                        .bind("reason", PostgresText.text(truncate(change.reason())))
                        .bind("until", until(change.untilMillis()))
                        .bind("failures", change.consecutiveFailures())
                        .bind("at", Instant.ofEpochMilli(change.atMillis()))
                        .fetch().rowsUpdated()
                        .then(notifier.apply(change))
                        .doOnError(e -> dirty.putIfAbsent(change.provider() + '\u0000' + change.alias(), change)))
                .then();
    }

    /**
     * Every pending counter delta added (atomically, so instances never lose each other's calls) and today's
     * shared totals read back, in one statement: a delta's row comes back with the total its own write made
     * ({@code own}), every other row of today as it stands. Once a second this was one upsert per counter
     * and a select after them, each its own pooled connection and round trip; under load that was a good
     * part of the gateway's time-bound database work (docs/PERFORMANCE.md). One statement is one transaction:
     * if the database fails, no delta was added, and every one goes back to its counter for the next flush. If
     * it refuses a delta for its content (a check it fails), each is written alone and that one
     * alone stays pending, as when every counter was its own statement; today's totals are read after them.
     */
    private Mono<Void> writeAndRereadCounters() {
        List<DailyLimits.Delta> deltas = limits.pendingDeltas();
        LocalDate today = limits.today();
        return addAndReread(deltas, today)
                // nothing was added: the deltas go back to their counters, and flush() logs the outage
                .doOnError(e -> !RowRefusal.isRowProblem(e), e -> deltas.forEach(limits::flushFailed))
                .onErrorResume(RowRefusal::isRowProblem, e -> Flux.fromIterable(deltas)
                        .concatMap(delta -> addAndReread(List.of(delta), today).onErrorResume(notAdded -> {
                            limits.flushFailed(delta);
                            return Mono.empty();
                        }))
                        .then(addAndReread(List.of(), today)))
                .then(Mono.fromRunnable(limits::forgetPastDays));
    }

    /**
     * {@link #COUNTERS} for {@code deltas} (with none, only the re-read of today's totals): each total goes to
     * its counter.
     */
    private Mono<Void> addAndReread(List<DailyLimits.Delta> deltas, LocalDate today) {
        int n = deltas.size();
        LocalDate[] days = new LocalDate[n];
        String[] scopes = new String[n];
        String[] providers = new String[n];
        String[] names = new String[n];
        Long[] calls = new Long[n];
        for (int i = 0; i < n; i++) {
            DailyLimits.CounterId id = deltas.get(i).id();
            days[i] = id.day();
            scopes[i] = id.scope().code();
            providers[i] = id.provider();
            names[i] = PostgresText.text(id.name());
            calls[i] = deltas.get(i).calls();
        }
        // the totals are applied once the statement has succeeded: rows that came before a failure were rolled back
        return database.sql(COUNTERS)
                .bind(0, days).bind(1, scopes).bind(2, providers).bind(3, names).bind(4, calls).bind(5, today)
                .map((row, meta) -> {
                    DailyLimits.Scope scope = scope(row.get("scope", String.class));
                    return new Total(scope == null ? null : new DailyLimits.CounterId(row.get("day", LocalDate.class),
                            scope, row.get("provider", String.class), row.get("name", String.class)),
                            orZero(row.get("calls", Long.class)), Boolean.TRUE.equals(row.get("own", Boolean.class)));
                })
                .all()
                .collectList()
                .doOnNext(totals -> totals.forEach(total -> {
                    if (total.id() != null) {
                        limits.applyTotal(total.id(), total.calls(), total.own());
                    }
                }))
                .then();
    }

    /** A counter's total as read back; {@code own} when this statement's delta made it. */
    private record Total(DailyLimits.@Nullable CounterId id, long calls, boolean own) {
    }

    private static DailyLimits.Scope scope(String code) {
        for (DailyLimits.Scope scope : DailyLimits.Scope.values()) {
            if (scope.code().equals(code)) {
                return scope;
            }
        }
        return null;
    }

    private static Object until(long untilMillis) {
        return untilMillis == 0 || untilMillis >= FAR_FUTURE ? Instant.parse("9999-12-31T00:00:00Z")
                : Instant.ofEpochMilli(untilMillis);
    }

    private static long untilMillis(Instant until, String status) {
        if (until == null) {
            return 0;
        }
        long millis = until.toEpochMilli();
        if (millis >= FAR_FUTURE) {
            return "active".equals(status) ? 0 : Long.MAX_VALUE;
        }
        return millis;
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 600 ? s : s.substring(0, 600);
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }
}
