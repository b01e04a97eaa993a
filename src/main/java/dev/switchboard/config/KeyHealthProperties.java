package dev.switchboard.config;

import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What a failure does to a key, under {@code switchboard.keys}.
 *
 * @param invalidKeyCooldown an {@code invalid_key} keeps the key out this long (or until a check passes)
 * @param rateLimitCooldown a 429 without any retry hint cools the key this long
 * @param maxHint longest retry hint honoured as a cooldown; longer hints are clamped to it
 * @param failureThreshold consecutive server errors, network errors or timeouts that cool a key
 * @param failureCooldown how long such a key cools
 * @param providerDailyLimit calls per provider per UTC day unless the provider sets its own; 0 = unlimited
 * @param checkOnStartup check every key (models list) before it joins the pool
 * @param startupCheckTimeout upper bound for the startup checks, all keys together
 * @param healthCheckInterval background re-checks; {@code HEALTH_CHECK_INTERVAL_MINUTES} sets it
 */
public record KeyHealthProperties(
        @DefaultValue("24h") Duration invalidKeyCooldown,
        @DefaultValue("60m") Duration rateLimitCooldown,
        @DefaultValue("24h") Duration maxHint,
        @DefaultValue("3") int failureThreshold,
        @DefaultValue("10m") Duration failureCooldown,
        @DefaultValue("1000") long providerDailyLimit,
        @DefaultValue("true") boolean checkOnStartup,
        @DefaultValue("10s") Duration startupCheckTimeout,
        @DefaultValue("10m") Duration healthCheckInterval) {

    public static KeyHealthProperties defaults() {
        return new KeyHealthProperties(Duration.ofHours(24), Duration.ofMinutes(60), Duration.ofHours(24), 3,
                Duration.ofMinutes(10), 1000, true, Duration.ofSeconds(10), Duration.ofMinutes(10));
    }
}
