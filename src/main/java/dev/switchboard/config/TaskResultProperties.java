package dev.switchboard.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Stored task results ({@code task_result}).
 *
 * @param retention how long a result is kept: older ones are no longer listed or read, and a periodic sweep
 *     deletes them; {@code 0} keeps results for ever
 * @param sweepInterval how often expired results are deleted
 */
@ConfigurationProperties("switchboard.tasks.results")
public record TaskResultProperties(
        @DefaultValue("30d") Duration retention,
        @DefaultValue("1h") Duration sweepInterval) {

    public TaskResultProperties {
        if (retention.isNegative()) {
            throw new IllegalArgumentException("switchboard.tasks.results.retention must not be negative");
        }
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("switchboard.tasks.results.sweep-interval must be positive");
        }
    }

    /** Whether results expire at all. */
    public boolean expires() {
        return !retention.isZero();
    }
}
