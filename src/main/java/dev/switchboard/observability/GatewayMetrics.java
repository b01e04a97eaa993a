package dev.switchboard.observability;

import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.keys.KeyStateChange;
import dev.switchboard.routing.AttemptListener;
import dev.switchboard.routing.Candidate;
import dev.switchboard.routing.RequestObserver;
import dev.switchboard.routing.RequestRun;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Every meter name and tag in one place. Tags carry key aliases only, never keys.
 *
 * <ul>
 *   <li>{@code switchboard.requests} (timer): surface, path, provider, model, outcome
 *   <li>{@code switchboard.gateway.overhead} (timer): time in the gateway itself (total minus upstream wait), by surface
 *   <li>{@code switchboard.ttft} (timer): time to first token of streams, by surface and provider
 *   <li>{@code switchboard.upstream.attempts} (counter): provider, key, result (ok or error class)
 *   <li>{@code switchboard.fallbacks} (counter): attempts beyond the first, by surface and path
 *   <li>{@code switchboard.tokens} (counter): provider, kind (prompt, completion, and the parts of them that
 *       were cached prompt tokens or reasoning)
 *   <li>{@code switchboard.key.state.changes} (counter): provider, key, state
 * </ul>
 */
public final class GatewayMetrics implements RequestObserver, AttemptListener {

    private final MeterRegistry registry;
    private final MeterCache<RequestTags, Timer> requests = new MeterCache<>();
    private final MeterCache<String, Timer> overhead = new MeterCache<>();
    private final MeterCache<List<String>, Timer> ttft = new MeterCache<>();
    private final MeterCache<List<String>, Counter> fallbacks = new MeterCache<>();
    private final MeterCache<List<String>, Counter> attempts = new MeterCache<>();
    private final MeterCache<List<String>, Counter> tokens = new MeterCache<>();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The tags of one {@code switchboard.requests} timer. */
    private record RequestTags(String surface, String path, String provider, String model, String outcome) {
    }

    @Override
    public void ended(RequestRun run) {
        RouteInfo route = run.route();
        String provider = route != null ? route.provider() : "none";
        String surface = run.command().surface().code();
        String path = run.plan().path().code();
        String outcome = run.outcomeCode();
        RequestTags tags = new RequestTags(surface, path, provider, route != null ? route.model() : "none", outcome);
        requests.get(tags, t -> Timer.builder("switchboard.requests")
                        .description("Chat requests by surface, path, provider, model and outcome")
                        .tags("surface", t.surface(), "path", t.path(), "provider", t.provider(), "model", t.model(),
                                "outcome", t.outcome())
                        .publishPercentileHistogram()
                        .register(registry))
                .record(Math.max(0, run.latencyMs()), TimeUnit.MILLISECONDS);
        overhead.get(surface, s -> Timer.builder("switchboard.gateway.overhead")
                        .description("Time a request spent in the gateway itself: total minus time waiting on upstreams")
                        .tags("surface", s)
                        .publishPercentiles(0.5, 0.99)
                        .register(registry))
                .record(run.overheadNanos(), TimeUnit.NANOSECONDS);
        if (run.firstTokenMs() >= 0 && !run.cacheHit()) {
            ttft.get(List.of(surface, provider), t -> Timer.builder("switchboard.ttft")
                            .description("Time to first token of streamed requests")
                            .tags("surface", t.get(0), "provider", t.get(1))
                            .publishPercentileHistogram()
                            .register(registry))
                    .record(run.firstTokenMs(), TimeUnit.MILLISECONDS);
        }
        if (run.attemptCount() > 1) {
            fallbacks.get(List.of(surface, path), t -> Counter.builder("switchboard.fallbacks")
                            .description("Upstream attempts beyond the first")
                            .tags("surface", t.get(0), "path", t.get(1))
                            .register(registry))
                    .increment(run.attemptCount() - 1);
        }
        Usage usage = run.usage();
        if (usage != null && route != null) {
            tokens(provider, "prompt").increment(usage.promptTokens());
            tokens(provider, "completion").increment(usage.completionTokens());
            if (usage.cachedTokens() > 0) {
                tokens(provider, "cached").increment(usage.cachedTokens());
            }
            if (usage.reasoningTokens() > 0) {
                tokens(provider, "reasoning").increment(usage.reasoningTokens());
            }
        }
    }

    @Override
    public void succeeded(Candidate candidate, long latencyMs) {
        attempts(candidate, "ok").increment();
    }

    @Override
    public void failed(Candidate candidate, UpstreamException failure) {
        attempts(candidate, failure.errorClass().code()).increment();
    }

    /** Counts a key's state change (alias only). */
    public void keyStateChanged(KeyStateChange change) {
        Counter.builder("switchboard.key.state.changes")
                .description("Key state changes by provider, key alias and new state")
                .tags("provider", change.provider(), "key", change.alias(), "state", change.status().code())
                .register(registry)
                .increment();
    }

    private Counter attempts(Candidate candidate, String result) {
        return attempts.get(List.of(candidate.provider().name(), candidate.key().alias(), result),
                t -> Counter.builder("switchboard.upstream.attempts")
                        .description("Upstream attempts by provider, key alias and result")
                        .tags("provider", t.get(0), "key", t.get(1), "result", t.get(2))
                        .register(registry));
    }

    private Counter tokens(String provider, String kind) {
        return tokens.get(List.of(provider, kind), t -> Counter.builder("switchboard.tokens")
                .description("Tokens by provider and kind")
                .tags("provider", t.get(0), "kind", t.get(1))
                .register(registry));
    }

    /**
     * Meters by their tag values. Registering through a builder on every request costs an id, a sorted tag
     * list and a registry lookup; this is one hash lookup. A meter removed from the registry is not expected
     * here (nothing removes these), so caching the instance is safe.
     */
    private static final class MeterCache<K, M> {
        private final ConcurrentHashMap<K, M> meters = new ConcurrentHashMap<>();

        M get(K key, Function<K, M> register) {
            M meter = meters.get(key);
            return meter != null ? meter : meters.computeIfAbsent(key, register);
        }
    }
}
