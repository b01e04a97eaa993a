package dev.switchboard.observability;

import dev.switchboard.chat.RequestObserver;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.Usage;
import dev.switchboard.keys.KeyStateChange;
import dev.switchboard.providers.UpstreamException;
import dev.switchboard.routing.AttemptListener;
import dev.switchboard.routing.Candidate;
import dev.switchboard.routing.RequestRun;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Every meter name and tag in one place. Tags carry key aliases only, never keys.
 *
 * <ul>
 *   <li>{@code switchboard.requests} (timer): surface, path, provider, model, outcome
 *   <li>{@code switchboard.gateway.overhead} (timer): time in the gateway itself (total minus upstream wait), by surface
 *   <li>{@code switchboard.ttft} (timer): time to first token of streams, by surface and provider
 *   <li>{@code switchboard.upstream.attempts} (counter): provider, key, result (ok or error class)
 *   <li>{@code switchboard.fallbacks} (counter): attempts beyond the first, by surface and path
 *   <li>{@code switchboard.tokens} (counter): provider, kind (prompt, completion)
 *   <li>{@code switchboard.key.state.changes} (counter): provider, key, state
 * </ul>
 */
public final class GatewayMetrics implements RequestObserver, AttemptListener {

    private final MeterRegistry registry;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void ended(RequestRun run) {
        RouteInfo route = run.route();
        String provider = route != null ? route.provider() : "none";
        String surface = run.command().surface().code();
        String outcome = run.outcome() == null ? "failed" : run.outcome().name().toLowerCase();
        Timer.builder("switchboard.requests")
                .description("Chat requests by surface, path, provider, model and outcome")
                .tags("surface", surface, "path", run.plan().path().code(), "provider", provider,
                        "model", route != null ? route.model() : "none", "outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)
                .record(Math.max(0, run.latencyMs()), TimeUnit.MILLISECONDS);
        Timer.builder("switchboard.gateway.overhead")
                .description("Time a request spent in the gateway itself: total minus time waiting on upstreams")
                .tags("surface", surface)
                .publishPercentiles(0.5, 0.99)
                .register(registry)
                .record(run.overheadNanos(), TimeUnit.NANOSECONDS);
        if (run.firstTokenMs() >= 0) {
            Timer.builder("switchboard.ttft")
                    .description("Time to first token of streamed requests")
                    .tags("surface", surface, "provider", provider)
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(run.firstTokenMs(), TimeUnit.MILLISECONDS);
        }
        if (run.attemptCount() > 1) {
            Counter.builder("switchboard.fallbacks")
                    .description("Upstream attempts beyond the first")
                    .tags("surface", surface, "path", run.plan().path().code())
                    .register(registry)
                    .increment(run.attemptCount() - 1);
        }
        Usage usage = run.usage();
        if (usage != null && route != null) {
            tokens(provider, "prompt").increment(usage.promptTokens());
            tokens(provider, "completion").increment(usage.completionTokens());
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
        return Counter.builder("switchboard.upstream.attempts")
                .description("Upstream attempts by provider, key alias and result")
                .tags("provider", candidate.provider().name(), "key", candidate.key().alias(), "result", result)
                .register(registry);
    }

    private Counter tokens(String provider, String kind) {
        return Counter.builder("switchboard.tokens")
                .description("Tokens by provider and kind")
                .tags("provider", provider, "kind", kind)
                .register(registry);
    }
}
