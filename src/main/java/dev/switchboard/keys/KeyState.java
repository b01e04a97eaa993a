package dev.switchboard.keys;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The mutable health record of one key. Every method is synchronized on the record: contention is per
 * key and the critical sections are a few field writes.
 */
final class KeyState {

    final String provider;
    final String alias;
    final String fingerprint;
    private KeyStatus status = KeyStatus.ACTIVE;
    private @Nullable String reason;
    private long untilMillis;
    private int consecutiveFailures;
    private long successes;
    private long failures;
    private long latencyTotalMs;
    private @Nullable String lastErrorClass;
    private @Nullable String lastErrorMessage;
    private long lastErrorAtMillis;
    private long lastSuccessAtMillis;
    private long changedAtMillis;

    KeyState(String provider, String alias, String fingerprint) {
        this.provider = provider;
        this.alias = alias;
        this.fingerprint = fingerprint;
    }

    /** Usable now? A cooldown that has run out turns the key active again (returns the change). */
    synchronized @Nullable KeyStateChange rejoinIfDue(long now) {
        if (status != KeyStatus.ACTIVE && status != KeyStatus.DISABLED && untilMillis <= now) {
            return set(KeyStatus.ACTIVE, "cooldown over", 0, now);
        }
        return null;
    }

    synchronized boolean usable() {
        return status == KeyStatus.ACTIVE;
    }

    /** When the key can be used again: its cooldown end, or Long.MAX_VALUE while disabled. */
    synchronized long usableAt(long now) {
        return switch (status) {
            case ACTIVE -> now;
            case DISABLED -> Long.MAX_VALUE;
            default -> untilMillis;
        };
    }

    synchronized @Nullable KeyStateChange succeeded(long latencyMs, long now) {
        successes++;
        latencyTotalMs += latencyMs;
        lastSuccessAtMillis = now;
        consecutiveFailures = 0;
        return null;
    }

    /** Counts a failure in the statistics; no state change by itself. */
    synchronized void countFailure(String errorClass, String message, long now) {
        failures++;
        lastErrorClass = errorClass;
        lastErrorMessage = message;
        lastErrorAtMillis = now;
    }

    /** A transient failure; returns the change when it was the one that crossed the threshold. */
    synchronized @Nullable KeyStateChange transientFailure(int threshold, long cooldownMs, long now) {
        consecutiveFailures++;
        if (consecutiveFailures >= threshold) {
            return extend(KeyStatus.COOLING, consecutiveFailures + " failures in a row", now + cooldownMs, now);
        }
        return null;
    }

    /**
     * Takes the key out until {@code until}, unless it is already out for longer: a cooldown is only
     * ever extended by a later signal, never shortened.
     */
    synchronized @Nullable KeyStateChange extend(KeyStatus newStatus, @Nullable String why, long until, long now) {
        if (status == KeyStatus.DISABLED) {
            return null;
        }
        if (status != KeyStatus.ACTIVE && untilMillis >= until) {
            return null;
        }
        return set(newStatus, why, until, now);
    }

    synchronized KeyStateChange disable(String why, long now) {
        return set(KeyStatus.DISABLED, why, Long.MAX_VALUE, now);
    }

    /** Back to active (operator enable, passed health check); clears the failure streak. */
    synchronized @Nullable KeyStateChange activate(String why, long now) {
        consecutiveFailures = 0;
        if (status == KeyStatus.ACTIVE) {
            return null;
        }
        return set(KeyStatus.ACTIVE, why, 0, now);
    }

    /** Adopts a state that was persisted or came from another instance, unless ours is newer. */
    synchronized boolean restore(KeyStateChange change) {
        if (change.atMillis() < changedAtMillis || (change.status() == status && change.untilMillis() == untilMillis)) {
            return false;
        }
        changedAtMillis = change.atMillis();
        status = change.status();
        reason = change.reason();
        untilMillis = change.untilMillis();
        consecutiveFailures = change.consecutiveFailures();
        return true;
    }

    synchronized KeyStatus status() {
        return status;
    }

    /** @param enabled false when the configuration disables the key (then it shows as disabled) */
    synchronized KeyView view(String masked, boolean enabled, long callsToday, long dailyLimit) {
        long total = successes + failures;
        KeyStatus shown = enabled ? status : KeyStatus.DISABLED;
        return new KeyView(provider, alias, masked, shown.code(), enabled ? reason : "disabled in the configuration",
                shown == KeyStatus.ACTIVE || shown == KeyStatus.DISABLED || KeyStateChange.indefinite(untilMillis) ? null
                        : Instant.ofEpochMilli(untilMillis),
                shown == KeyStatus.ACTIVE ? null : shown == KeyStatus.DISABLED ? "until_enabled"
                        : untilMillis == KeyStateChange.UNTIL_FIXED ? "until_fixed" : "until_time",
                consecutiveFailures, successes, failures, total == 0 ? null : (double) successes / total,
                successes == 0 ? null : latencyTotalMs / successes, callsToday, dailyLimit,
                lastErrorClass, lastErrorMessage, lastErrorAtMillis == 0 ? null : Instant.ofEpochMilli(lastErrorAtMillis),
                lastSuccessAtMillis == 0 ? null : Instant.ofEpochMilli(lastSuccessAtMillis));
    }

    private KeyStateChange set(KeyStatus newStatus, @Nullable String why, long until, long now) {
        changedAtMillis = now;
        status = newStatus;
        reason = why;
        untilMillis = until;
        return new KeyStateChange(provider, alias, fingerprint, status, reason, untilMillis, consecutiveFailures, now);
    }
}
