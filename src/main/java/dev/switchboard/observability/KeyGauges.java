package dev.switchboard.observability;

import dev.switchboard.keys.DailyLimits;
import dev.switchboard.keys.KeyHealth;
import dev.switchboard.keys.KeyStateChange;
import dev.switchboard.keys.KeyStatus;
import dev.switchboard.keys.KeyView;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.Paces;
import dev.switchboard.usage.RequestLogWriter;
import dev.switchboard.usage.UsageLedger;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key gauges (aliases only) and the write-behind gauges. Keys are (re)registered by
 * {@link #registerAll()}, which runs at startup and periodically, so keys added at runtime or by a
 * reload show up too.
 *
 * <ul>
 *   <li>{@code switchboard.key.state}: 0 active, 1 rate_limited, 2 cooling, 3 invalid, 4 quota_exceeded, 5 disabled
 *   <li>{@code switchboard.key.cooldown.until}: epoch seconds the key is out until, 0 when active or out
 *       until someone fixes or enables it
 *   <li>{@code switchboard.key.calls.today}, {@code switchboard.key.calls.remaining} (-1 when unlimited)
 *   <li>{@code switchboard.key.limit.reset}: epoch seconds of the next 00:00 UTC
 *   <li>{@code switchboard.key.last.error}: 1 on the series of the key's last error class
 *   <li>{@code switchboard.key.first.content} (ms), {@code switchboard.key.error.rate},
 *       {@code switchboard.key.inflight}: the running figures {@code key-strategy: latency} compares
 *   <li>{@code switchboard.key.prompt.tokens}, {@code switchboard.key.cached.tokens}: prompt tokens and the
 *       part read from the provider's prompt cache (prompt-cache affinity)
 *   <li>{@code switchboard.requestlog.buffer.depth}, {@code switchboard.requestlog.dropped},
 *       {@code switchboard.ledger.pending.rows}
 * </ul>
 */
public final class KeyGauges {

    private final MeterRegistry registry;
    private final ProviderRegistry providers;
    private final KeyHealth health;
    private final DailyLimits limits;
    private final Paces paces;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final Map<String, String> lastErrorSeen = new ConcurrentHashMap<>();

    public KeyGauges(MeterRegistry registry, ProviderRegistry providers, KeyHealth health, DailyLimits limits,
            RequestLogWriter requestLog, UsageLedger ledger, Paces paces) {
        this.paces = paces;
        this.registry = registry;
        this.providers = providers;
        this.health = health;
        this.limits = limits;
        Gauge.builder("switchboard.requestlog.buffer.depth", requestLog, RequestLogWriter::depth)
                .description("Request-log rows waiting to be written").register(registry);
        Gauge.builder("switchboard.requestlog.dropped", requestLog, RequestLogWriter::dropped)
                .description("Request-log rows dropped because the buffer was full").register(registry);
        Gauge.builder("switchboard.ledger.pending.rows", ledger, UsageLedger::pendingRows)
                .description("Usage rows waiting to be written").register(registry);
    }

    /** Registers gauges for every key not seen before, and the last-error series. */
    public void registerAll() {
        for (Provider provider : providers.all()) {
            for (ApiKey key : provider.keys().keys()) {
                String id = provider.name() + '\u0000' + key.alias();
                if (registered.add(id)) {
                    register(provider, key);
                }
            }
            for (KeyView view : health.view(provider)) {
                trackLastError(view);
            }
        }
    }

    private void register(Provider provider, ApiKey key) {
        Tags tags = Tags.of("provider", provider.name(), "key", key.alias());
        Gauge.builder("switchboard.key.state", () -> health.status(provider, key).ordinal())
                .description("Key state: 0 active, 1 rate_limited, 2 cooling, 3 invalid, 4 quota_exceeded, 5 disabled")
                .tags(tags).register(registry);
        Gauge.builder("switchboard.key.cooldown.until", () -> {
            long at = health.usableAt(provider, key);
            return health.status(provider, key) == KeyStatus.ACTIVE || KeyStateChange.indefinite(at) ? 0 : at / 1000.0;
        }).description("Epoch seconds the key is out until, 0 when active or out until fixed or enabled")
                .tags(tags).register(registry);
        Gauge.builder("switchboard.key.calls.today",
                () -> limits.used(DailyLimits.Scope.KEY, provider.name(), key.alias()))
                .description("Calls made with the key today (UTC)").tags(tags).register(registry);
        Gauge.builder("switchboard.key.calls.remaining", () -> {
            long remaining = limits.keyRemaining(provider.name(), key);
            return remaining == Long.MAX_VALUE ? -1 : remaining;
        }).description("Calls left today under the key's daily limit, -1 when unlimited").tags(tags).register(registry);
        Gauge.builder("switchboard.key.first.content", () -> {
            Double ms = paces.view(provider.name(), key.alias()).firstContentMs();
            return ms == null ? Double.NaN : ms;
        }).description("Running (EWMA) time to first content of the key, ms; what key-strategy latency compares")
                .baseUnit("milliseconds").tags(tags).register(registry);
        Gauge.builder("switchboard.key.error.rate", () -> paces.view(provider.name(), key.alias()).errorRate())
                .description("Running share of the key's calls that failed (0 to 1)").tags(tags).register(registry);
        Gauge.builder("switchboard.key.inflight", () -> paces.view(provider.name(), key.alias()).inFlight())
                .description("Upstream calls open on the key now").tags(tags).register(registry);
        FunctionCounter.builder("switchboard.key.prompt.tokens", paces,
                        p -> p.view(provider.name(), key.alias()).promptTokens())
                .description("Prompt tokens the key's answers reported").tags(tags).register(registry);
        FunctionCounter.builder("switchboard.key.cached.tokens", paces,
                        p -> p.view(provider.name(), key.alias()).cachedTokens())
                .description("Prompt tokens the provider read from its prompt cache for the key (cache-hit share: "
                        + "cached / prompt)").tags(tags).register(registry);
        Gauge.builder("switchboard.key.limit.reset", () -> limits.nextReset().getEpochSecond())
                .description("Epoch seconds of the next daily reset (00:00 UTC)").tags(tags).register(registry);
    }

    private void trackLastError(KeyView view) {
        String errorClass = view.lastErrorClass();
        if (errorClass == null) {
            return;
        }
        String id = view.provider() + '\u0000' + view.alias();
        if (!errorClass.equals(lastErrorSeen.put(id, errorClass)) && !registered.contains(id + '\u0000' + errorClass)) {
            registered.add(id + '\u0000' + errorClass);
            Gauge.builder("switchboard.key.last.error", () -> errorClass.equals(lastErrorSeen.get(id)) ? 1 : 0)
                    .description("1 on the series of the key's last error class")
                    .tags("provider", view.provider(), "key", view.alias(), "error_class", errorClass)
                    .register(registry);
        }
    }
}
