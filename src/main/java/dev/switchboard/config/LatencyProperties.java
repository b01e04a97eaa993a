package dev.switchboard.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The running figures behind {@code key-strategy: latency} and {@code provider-order: latency}
 * ({@code switchboard.routing.latency.*}). Read at startup.
 *
 * @param decay the time constant of the running averages (time to first content, error rate): a figure
 *     follows a change within about this long, and a key or provider that gets no calls sees its figures
 *     fade towards zero over it, so it is tried again and wins its share back once it is fast
 * @param errorPenalty how much errors weigh: a candidate's cost is multiplied by
 *     {@code 1 + errorPenalty × error rate}
 */
@ConfigurationProperties("switchboard.routing.latency")
public record LatencyProperties(
        @DefaultValue("10s") Duration decay,
        @DefaultValue("4") double errorPenalty) {

    public LatencyProperties {
        if (decay.toMillis() < 1 || errorPenalty < 0) {
            throw new IllegalArgumentException("switchboard.routing.latency.decay must be positive and "
                    + "error-penalty not negative");
        }
    }

    public static LatencyProperties defaults() {
        return new LatencyProperties(Duration.ofSeconds(10), 4);
    }
}
