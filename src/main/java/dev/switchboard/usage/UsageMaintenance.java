package dev.switchboard.usage;

import dev.switchboard.support.BackgroundJobs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Background work of the ledger: writes usage counters every second, deletes request-log rows older
 * than the retention every hour (one non-blocking {@code delete}), and writes what is pending on stop.
 */
public final class UsageMaintenance extends BackgroundJobs {

    private static final Logger log = LoggerFactory.getLogger(UsageMaintenance.class);

    private final UsageLedger ledger;
    private final DatabaseClient database;
    private final Clock clock;
    private final Duration retention;
    private final Duration ledgerInterval;
    private final Duration retentionInterval;

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
    protected void schedule(Disposable.Composite jobs) {
        jobs.add(every(ledgerInterval, ledger::flush));
        jobs.add(every(Duration.ofSeconds(30), retentionInterval, () -> applyRetention().onErrorResume(e -> {
            log.warn("Request-log retention job failed, will retry: {}", e.toString());
            return Mono.empty();
        })));
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
    protected Mono<?> finalFlush() {
        return ledger.flush();
    }

    @Override
    protected Duration finalFlushTimeout() {
        return Duration.ofSeconds(10);
    }
}
