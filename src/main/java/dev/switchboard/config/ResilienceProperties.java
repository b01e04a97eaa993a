package dev.switchboard.config;

import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Resilience4j settings, under {@code switchboard.resilience}.
 *
 * @param maxRetries keys tried per provider for one request ({@code MAX_RETRIES})
 * @param initialBackoff first wait before trying the same provider again (exponential, with jitter)
 * @param backoffMultiplier growth of the wait
 * @param backoffJitter randomization factor (0.5 = ±50 %)
 * @param maxBackoff longest wait between two attempts
 * @param circuitFailureThreshold consecutive provider failures that open its circuit
 * @param circuitOpenDuration how long an open circuit stays open before half-open trial calls
 * @param circuitHalfOpenCalls successful trial calls that close it again
 * @param maxConcurrentCalls default bulkhead per provider: concurrent upstream calls
 */
public record ResilienceProperties(
        @DefaultValue("3") int maxRetries,
        @DefaultValue("200ms") Duration initialBackoff,
        @DefaultValue("2.0") double backoffMultiplier,
        @DefaultValue("0.5") double backoffJitter,
        @DefaultValue("2s") Duration maxBackoff,
        @DefaultValue("5") int circuitFailureThreshold,
        @DefaultValue("60s") Duration circuitOpenDuration,
        @DefaultValue("3") int circuitHalfOpenCalls,
        @DefaultValue("512") int maxConcurrentCalls) {

    public static ResilienceProperties defaults() {
        return new ResilienceProperties(3, Duration.ofMillis(200), 2.0, 0.5, Duration.ofSeconds(2), 5,
                Duration.ofSeconds(60), 3, 512);
    }
}
