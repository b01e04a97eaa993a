package dev.switchboard.keys;

import dev.switchboard.config.KeyHealthProperties;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.support.BackgroundJobs;
import dev.switchboard.support.StartupGate;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

/**
 * The background life of the key pools. At start: load persisted states and today's counters, apply the
 * keys added or removed at runtime ({@link RuntimeKeys}), report malformed keys, check every key (bounded in time), then open the {@link StartupGate}. Then every
 * 200 ms: write key state changes; every {@code tick}: rejoin keys whose cooldown ran out and write
 * counters to PostgreSQL; every
 * {@code health-check-interval}: re-check all keys. Stopping writes what is pending.
 */
public final class KeyMaintenance extends BackgroundJobs {

    private static final Logger log = LoggerFactory.getLogger(KeyMaintenance.class);
    /** Key state changes are written (and announced to other instances) this often. */
    private static final Duration STATE_TICK = Duration.ofMillis(200);

    private final KeyHealth health;
    private final KeyStateStore store;
    private final RuntimeKeys runtimeKeys;
    private final KeyHealthChecker checker;
    private final ProviderRegistry registry;
    private final StartupGate gate;
    private final KeyHealthProperties properties;
    private final Duration tick;
    private final Consumer<KeyStateChange> changeListener;
    private volatile Disposable.Swap healthChecks = Disposables.swap();
    private volatile Duration healthCheckInterval;

    public KeyMaintenance(KeyHealth health, KeyStateStore store, RuntimeKeys runtimeKeys, KeyHealthChecker checker,
            ProviderRegistry registry, StartupGate gate, KeyHealthProperties properties, Duration tick,
            Consumer<KeyStateChange> changeListener) {
        this.runtimeKeys = runtimeKeys;
        health.onChange(store::changed);
        health.onChange(changeListener);
        this.health = health;
        this.store = store;
        this.checker = checker;
        this.registry = registry;
        this.gate = gate;
        this.properties = properties;
        this.tick = tick;
        this.changeListener = changeListener;
        this.healthCheckInterval = properties.healthCheckInterval();
    }

    /**
     * A new {@code health-check-interval} (a configuration reload): the background checks are rescheduled, the
     * next one a whole new interval from now.
     */
    public void healthCheckInterval(Duration interval) {
        if (!interval.equals(healthCheckInterval)) {
            healthCheckInterval = interval;
            if (isRunning()) {
                healthChecks.update(healthChecks(interval));
                log.info("Background key checks now run every {}", interval);
            }
        }
    }

    public Duration healthCheckInterval() {
        return healthCheckInterval;
    }

    @Override
    protected void schedule(Disposable.Composite jobs) {
        jobs.add(startup().doFinally(signal -> gate.open()).subscribe());
        jobs.add(every(STATE_TICK, store::flushStates));
        jobs.add(every(tick, () -> Mono.fromRunnable(() -> health.sweep(registry.all())).then(store.flush())));
        Disposable.Swap checks = Disposables.swap();
        checks.update(healthChecks(healthCheckInterval));
        healthChecks = checks;
        jobs.add(checks);
    }

    private Disposable healthChecks(Duration interval) {
        return every(interval, () -> checker.checkAll().then().onErrorResume(e -> {
            log.warn("Background key checks stopped early (the next run is in {}): {}", interval, e.toString());
            return Mono.empty();
        }));
    }

    private Mono<Void> startup() {
        Mono<Void> checks = properties.checkOnStartup()
                ? checker.checkAll()
                        .doOnNext(result -> {
                            if (!result.passed()) {
                                log.warn("Startup check of key {} of {}: {} (now {})", result.alias(), result.provider(),
                                        result.outcome(), result.status());
                            }
                        })
                        .then()
                        .timeout(properties.startupCheckTimeout(), Mono.fromRunnable(() ->
                                log.warn("Startup key checks took longer than {}; continuing", properties.startupCheckTimeout())))
                : Mono.empty();
        return store.load()
                .timeout(Duration.ofSeconds(10))
                .doOnError(e -> log.warn("Could not load key states from PostgreSQL; starting from a clean slate: {}",
                        e.toString()))
                .onErrorResume(e -> Mono.empty())
                .then(runtimeKeys.reload().timeout(Duration.ofSeconds(10))
                        .doOnError(e -> log.warn("Could not read the keys added or removed at runtime; starting with the "
                                + "configured keys (they are read again every few seconds): {}", e.toString()))
                        .onErrorResume(e -> Mono.empty()))
                .then(Mono.fromRunnable(checker::checkFormats))
                .then(checks)
                .onErrorResume(e -> {
                    // the gate opens anyway (doFinally in schedule): requests go ahead with what is known
                    log.warn("Startup key checks failed; keys join with the states loaded so far: {}", e.toString());
                    return Mono.empty();
                });
    }

    @Override
    protected Mono<?> finalFlush() {
        return store.flush();
    }
}
