package dev.switchboard.keys;

import dev.switchboard.chat.StartupGate;
import dev.switchboard.config.KeyHealthProperties;
import dev.switchboard.providers.ProviderRegistry;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The background life of the key pools. At start: load persisted states and today's counters, report
 * malformed keys, check every key (bounded in time), then open the {@link StartupGate}. Then every
 * 200 ms: write key state changes; every {@code tick}: rejoin keys whose cooldown ran out and write
 * counters to PostgreSQL; every
 * {@code health-check-interval}: re-check all keys. Stopping writes what is pending.
 */
public final class KeyMaintenance implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KeyMaintenance.class);
    /** Key state changes are written (and announced to other instances) this often. */
    private static final Duration STATE_TICK = Duration.ofMillis(200);

    private final KeyHealth health;
    private final KeyStateStore store;
    private final KeyHealthChecker checker;
    private final ProviderRegistry registry;
    private final StartupGate gate;
    private final KeyHealthProperties properties;
    private final Duration tick;
    private final Consumer<KeyStateChange> changeListener;
    private volatile Disposable.Composite running;

    public KeyMaintenance(KeyHealth health, KeyStateStore store, KeyHealthChecker checker, ProviderRegistry registry,
            StartupGate gate, KeyHealthProperties properties, Duration tick, Consumer<KeyStateChange> changeListener) {
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
    }

    @Override
    public void start() {
        Disposable.Composite tasks = Disposables.composite();
        tasks.add(startup().doFinally(signal -> gate.open()).subscribe());
        tasks.add(Flux.interval(STATE_TICK)
                .onBackpressureDrop()
                .concatMap(t -> store.flushStates(), 1)
                .subscribe());
        tasks.add(Flux.interval(tick)
                .onBackpressureDrop()
                .concatMap(t -> Mono.fromRunnable(() -> health.sweep(registry.all())).then(store.flush()), 1)
                .subscribe());
        tasks.add(Flux.interval(properties.healthCheckInterval())
                .onBackpressureDrop()
                .concatMap(t -> checker.checkAll().then().onErrorResume(e -> Mono.empty()), 1)
                .subscribe());
        running = tasks;
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
                .then(Mono.fromRunnable(checker::checkFormats))
                .then(checks)
                .onErrorResume(e -> Mono.empty());
    }

    @Override
    public void stop(Runnable callback) {
        Disposable.Composite tasks = running;
        running = null;
        if (tasks != null) {
            tasks.dispose();
        }
        store.flush().timeout(Duration.ofSeconds(5)).onErrorResume(e -> Mono.empty())
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
