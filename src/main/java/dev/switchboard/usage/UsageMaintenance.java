package dev.switchboard.usage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Background work of the ledger: writes usage counters every second, deletes request-log rows older
 * than the retention every hour (one non-blocking {@code delete}), and writes what is pending on stop.
 */
public final class UsageMaintenance implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(UsageMaintenance.class);

    private final UsageLedger ledger;
    private final DatabaseClient database;
    private final Clock clock;
    private final Duration retention;
    private final Duration ledgerInterval;
    private final Duration retentionInterval;
    private volatile Disposable.Composite running;

    public UsageMaintenance(UsageLedger ledger, DatabaseClient database, Clock clock, Duration retention,
            Duration ledgerInterval, Duration retentionInterval) {
        this.ledger = ledger;
        this.database = database;
        this.clock = clock;
        this.retention = retention;
        this.ledgerInterval = ledgerInterval;
        this.retentionInterval = retentionInterval;
    }

    @Override
    public void start() {
        Disposable.Composite tasks = Disposables.composite();
        tasks.add(Flux.interval(ledgerInterval).onBackpressureDrop()
                .concatMap(t -> ledger.flush(), 1).subscribe());
        tasks.add(Flux.interval(Duration.ofSeconds(30), retentionInterval).onBackpressureDrop()
                .concatMap(t -> applyRetention().onErrorResume(e -> {
                    log.warn("Request-log retention job failed, will retry: {}", e.toString());
                    return Mono.empty();
                }), 1).subscribe());
        running = tasks;
    }

    /** Deletes request-log rows older than the retention; returns how many. */
    public Mono<Long> applyRetention() {
        Instant cutoff = clock.instant().minus(retention);
        return database.sql("delete from request_log where created_at < :cutoff").bind("cutoff", cutoff)
                .fetch().rowsUpdated()
                .doOnNext(n -> {
                    if (n > 0) {
                        log.info("Deleted {} request-log row(s) older than {}", n, retention);
                    }
                });
    }

    @Override
    public void stop(Runnable callback) {
        Disposable.Composite tasks = running;
        running = null;
        if (tasks != null) {
            tasks.dispose();
        }
        ledger.flush().timeout(Duration.ofSeconds(10)).onErrorResume(e -> Mono.empty())
                .doFinally(signal -> callback.run()).subscribe();
    }

    @Override
    public void stop() {
        stop(() -> { });
    }

    @Override
    public boolean isRunning() {
        return running != null;
    }

    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }
}
