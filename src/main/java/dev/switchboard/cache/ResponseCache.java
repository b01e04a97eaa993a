package dev.switchboard.cache;

import dev.switchboard.chat.CacheDirective;
import dev.switchboard.chat.CacheStatus;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.chat.Surface;
import dev.switchboard.config.CacheProperties;
import dev.switchboard.database.OutageNotice;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decides, per request, whether the cache takes part and for how long; finds stored answers (in process
 * first, then in PostgreSQL when shared) and stores fresh ones. The shared tier failing never fails a
 * request: the answer is then fetched fresh (and kept in process only).
 *
 * <p>Meters: {@code switchboard.cache.requests} (counter, {@code result} hit|miss|bypass, {@code tier}
 * local|shared|none), {@code switchboard.cache.stores}, {@code switchboard.cache.evictions} and
 * {@code switchboard.cache.expirations} (in-process tier), {@code switchboard.cache.entries} and
 * {@code switchboard.cache.bytes} (gauges of the in-process tier).
 */
public final class ResponseCache {

    private static final Logger log = LoggerFactory.getLogger(ResponseCache.class);

    private final CacheProperties properties;
    private final CacheKeys keys;
    private final LocalTier local;
    private final @Nullable SharedTier shared;
    private final Clock clock;
    private final OutageNotice sharedTrouble = new OutageNotice();
    private final Counter localHits;
    private final Counter sharedHits;
    private final Counter misses;
    private final Counter bypasses;
    private final Counter stores;

    public ResponseCache(CacheProperties properties, JsonMapper json, @Nullable DatabaseClient database, Clock clock,
            MeterRegistry registry) {
        this.properties = properties;
        this.keys = new CacheKeys(json);
        this.local = new LocalTier(properties.maxEntries(), properties.maxBytes().toBytes(), clock);
        this.shared = properties.shared() && database != null ? new SharedTier(database, json) : null;
        this.clock = clock;
        this.localHits = requests(registry, "hit", "local");
        this.sharedHits = requests(registry, "hit", "shared");
        this.misses = requests(registry, "miss", "none");
        this.bypasses = requests(registry, "bypass", "none");
        this.stores = Counter.builder("switchboard.cache.stores").description("Answers stored in the response cache")
                .register(registry);
        FunctionCounter.builder("switchboard.cache.evictions", local, LocalTier::evictions)
                .description("Answers dropped from the in-process tier to stay within its bounds").register(registry);
        FunctionCounter.builder("switchboard.cache.expirations", local, LocalTier::expirations)
                .description("Answers dropped from the in-process tier when their time to live ended").register(registry);
        Gauge.builder("switchboard.cache.entries", local, LocalTier::entries)
                .description("Answers in the in-process tier").register(registry);
        Gauge.builder("switchboard.cache.bytes", local, LocalTier::bytes).baseUnit("bytes")
                .description("Size of the answers in the in-process tier").register(registry);
    }

    /** Whether PostgreSQL holds a tier that every instance shares. */
    public boolean shared() {
        return shared != null;
    }

    /** The decision for one request, on the route path it was planned for. */
    public CacheLookup lookup(ChatCommand command, RoutePath path) {
        if (!properties.enabled()) {
            return CacheLookup.NONE;
        }
        CacheDirective directive = command.cache();
        if (!directive.read() && !directive.write()) {
            bypasses.increment();
            return CacheLookup.BYPASS;
        }
        Duration ttl = ttl(command, directive);
        if (ttl.isZero()) {
            return directive.bypasses() ? CacheLookup.BYPASS : CacheLookup.NONE;
        }
        String key = keys.key(properties.namespace(command.clientId()), command, path);
        return new CacheLookup(key, directive.read(), directive.write(), ttl,
                directive.bypasses() ? CacheStatus.BYPASS : CacheStatus.MISS);
    }

    /**
     * A request's own {@code max-age} (up to {@code max-ttl}); otherwise the operator's: the task type's or the
     * surface's. Tasks are cached only at temperature 0, where one input has one answer.
     */
    private Duration ttl(ChatCommand command, CacheDirective directive) {
        if (directive.maxAge() != null) {
            return directive.maxAge().compareTo(properties.maxTtl()) > 0 ? properties.maxTtl() : directive.maxAge();
        }
        if (command.surface() == Surface.TASK && (command.temperature() == null || command.temperature() != 0.0)) {
            return Duration.ZERO;
        }
        return directive.operatorTtl() != null ? directive.operatorTtl()
                : properties.surfaceTtl(command.surface().code());
    }

    /** The stored answer for this request, if it may be read and one is still fresh. */
    public Mono<CachedAnswer> find(CacheLookup lookup) {
        String key = lookup.key();
        if (key == null || !lookup.read()) {
            if (lookup.status() == CacheStatus.BYPASS) {
                bypasses.increment();
            }
            return Mono.empty();
        }
        CachedAnswer hit = local.get(key);
        if (hit != null) {
            localHits.increment();
            return Mono.just(hit);
        }
        if (shared == null) {
            misses.increment();
            return Mono.empty();
        }
        return shared.find(key, clock.millis())
                .doOnNext(stored -> {
                    local.put(key, stored.answer(), stored.expiresAtMillis());
                    sharedHits.increment();
                })
                .map(SharedTier.Stored::answer)
                .doOnSuccess(answer -> {
                    if (answer == null) {
                        misses.increment();
                    }
                    if (sharedTrouble.recovers()) {
                        log.info("The shared response cache answers again");
                    }
                })
                .onErrorResume(e -> {
                    misses.increment();
                    if (sharedTrouble.startsFailing()) {
                        log.warn("The shared response cache cannot be read; answering fresh: {}", e.toString());
                    }
                    return Mono.empty();
                });
    }

    /** Keeps a fresh answer (when the request allows it and it is storable); never delays the caller. */
    public void store(CacheLookup lookup, CachedAnswer answer) {
        String key = lookup.key();
        if (key == null || !lookup.write() || !CachedAnswer.storable(answer.choices())
                || answer.bytes() > properties.maxEntryBytes().toBytes()) {
            return;
        }
        long now = clock.millis();
        long expires = now + lookup.ttl().toMillis();
        local.put(key, answer, expires);
        stores.increment();
        if (shared != null) {
            String namespace = key.substring(0, key.lastIndexOf(':'));
            shared.store(key, namespace, answer, now, expires).subscribe(null, e -> {
                if (sharedTrouble.startsFailing()) {
                    log.warn("The shared response cache cannot be written; answers stay in process: {}", e.toString());
                }
            });
        }
    }

    /** Collects a streamed answer for {@link #store}; answers too big to store are not collected. */
    public AnswerRecorder recorder() {
        return new AnswerRecorder((int) Math.min(Integer.MAX_VALUE / 2, properties.maxEntryBytes().toBytes() / 2));
    }

    /** Deletes expired answers from PostgreSQL, and lets the in-process tier drop its expired ones. */
    public Mono<Long> sweep() {
        local.cleanUp();
        if (shared == null) {
            return Mono.just(0L);
        }
        return shared.sweep(clock.millis()).onErrorResume(e -> {
            log.debug("Could not sweep the shared response cache: {}", e.toString());
            return Mono.just(0L);
        });
    }

    private static Counter requests(MeterRegistry registry, String result, String tier) {
        return Counter.builder("switchboard.cache.requests")
                .description("Requests the response cache took part in, by result and the tier that answered")
                .tag("result", result).tag("tier", tier).register(registry);
    }
}
