package dev.switchboard.config;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Hedged first chunk ({@code switchboard.routing.hedge.*}): a stream whose first content has not come within
 * the hedge delay starts the plan's next candidate as well; the first to deliver content wins, the other is
 * cancelled at once. Read at startup.
 *
 * @param enabled the default for streamed requests; a request's {@code "hedge": false} (or {@code true})
 *     overrides it
 * @param delay a fixed hedge delay; unset: the running {@code percentile} of the time to first content of
 *     the provider and model, never below {@code minDelay}
 * @param percentile which percentile of the time to first content the delay follows (0.5 to 0.999)
 * @param minDelay the floor of the delay
 * @param minSamples first contents of a provider and model seen before a running delay is trusted; until
 *     then (without a fixed {@code delay}) its streams are not hedged
 * @param budget extra upstream calls allowed as a share of each provider's streamed requests (0.05: at most
 *     one hedge per 20 streams), so a slow provider cannot double its load
 * @param burst hedges a provider may save up while it is quiet and spend at once
 */
@ConfigurationProperties("switchboard.routing.hedge")
public record HedgeProperties(
        @DefaultValue("true") boolean enabled,
        @Nullable Duration delay,
        @DefaultValue("0.95") double percentile,
        @DefaultValue("100ms") Duration minDelay,
        @DefaultValue("20") int minSamples,
        @DefaultValue("0.05") double budget,
        @DefaultValue("10") int burst) {

    public HedgeProperties {
        if (delay != null && (delay.isNegative() || delay.isZero())) {
            throw new IllegalArgumentException("switchboard.routing.hedge.delay must be positive (or unset)");
        }
        if (!(percentile >= 0.5 && percentile <= 0.999)) {
            throw new IllegalArgumentException("switchboard.routing.hedge.percentile must be between 0.5 and 0.999");
        }
        if (minDelay.isNegative() || minSamples < 1) {
            throw new IllegalArgumentException("switchboard.routing.hedge.min-delay must not be negative and "
                    + "min-samples must be at least 1");
        }
        if (!(budget >= 0 && budget <= 1) || burst < 1) {
            throw new IllegalArgumentException("switchboard.routing.hedge.budget must be between 0 and 1 and burst "
                    + "at least 1");
        }
    }

    /** The defaults: on, the running p95 (at least 100 ms), 5 % extra calls. */
    public static HedgeProperties defaults() {
        return new HedgeProperties(true, null, 0.95, Duration.ofMillis(100), 20, 0.05, 10);
    }

    /** Hedging off unless a request asks for it. */
    public static HedgeProperties off() {
        return new HedgeProperties(false, null, 0.95, Duration.ofMillis(100), 20, 0.05, 10);
    }
}
