package dev.switchboard.security;

import dev.switchboard.database.OutageNotice;
import dev.switchboard.support.BackgroundJobs;
import java.time.Duration;
import java.time.LocalDate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Every few seconds, adds each client's new requests and tokens of the day to {@code client_usage_daily}
 * and reads back the totals of every instance, so daily budgets hold across restarts and instances
 * (within one interval). A failed write is kept and retried; the limits keep working from memory.
 */
public final class ClientUsageSync extends BackgroundJobs {

    private static final Logger log = LoggerFactory.getLogger(ClientUsageSync.class);

    private final ClientLimits limits;
    private final ClientKeyStore store;
    private final Duration interval;
    private final OutageNotice outage = new OutageNotice();

    public ClientUsageSync(ClientLimits limits, ClientKeyStore store, Duration interval) {
        this.limits = limits;
        this.store = store;
        this.interval = interval;
    }

    /** One round over every client seen since startup (used by the loop, at shutdown and by tests). */
    public Mono<Void> syncNow() {
        long today = limits.today();
        return Flux.fromIterable(limits.tallies().entrySet())
                .filter(entry -> entry.getValue().needsSync(today))
                .concatMap(entry -> sync(entry.getKey(), entry.getValue(), today))
                .then();
    }

    private Mono<Void> sync(String clientId, DailyTally tally, long today) {
        DailyTally.Delta delta = tally.take(today);
        return store.addUsage(LocalDate.ofEpochDay(delta.epochDay()), clientId, delta.requests(), delta.tokens())
                .doOnNext(totals -> tally.synced(delta, totals[0], totals[1]))
                .doOnError(e -> tally.failed(delta))
                .then();
    }

    @Override
    protected void schedule(Disposable.Composite jobs) {
        jobs.add(every(interval, () -> syncNow()
                .doOnSuccess(v -> {
                    if (outage.recovers()) {
                        log.info("Client usage is written to PostgreSQL again");
                    }
                })
                .onErrorResume(e -> {
                    if (outage.startsFailing()) {
                        log.warn("Could not write client usage (kept in memory, will retry): {}", e.toString());
                    }
                    return Mono.empty();
                })));
    }

    @Override
    protected Mono<?> finalFlush() {
        return syncNow();
    }
}
