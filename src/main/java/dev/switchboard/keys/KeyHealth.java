package dev.switchboard.keys;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.config.KeyHealthProperties;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The health of every key, and what each failure class does to it:
 *
 * <table>
 *   <tr><th>class</th><th>the key</th></tr>
 *   <tr><td>invalid_key</td><td>out ({@code invalid}) for {@code invalid-key-cooldown} or until a check passes</td></tr>
 *   <tr><td>quota_exceeded</td><td>out until the next 00:00 UTC (or a longer hint)</td></tr>
 *   <tr><td>rate_limited</td><td>cools for the provider's hint, else {@code rate-limit-cooldown}</td></tr>
 *   <tr><td>server_error, network, timeout</td><td>{@code failure-threshold} in a row cool it for {@code failure-cooldown}</td></tr>
 *   <tr><td>overloaded, bad_request</td><td>no penalty</td></tr>
 * </table>
 *
 * A cooldown is only ever extended by a later signal, never shortened; a key whose cooldown ran out
 * rejoins by itself. Every state change is logged once (alias only) and published on {@link #changes()}.
 */
public final class KeyHealth {

    private static final Logger log = LoggerFactory.getLogger(KeyHealth.class);

    private final KeyHealthProperties policy;
    private final Clock clock;
    private final DailyLimits limits;
    private final Map<String, KeyState> states = new ConcurrentHashMap<>();
    private final Map<String, Boolean> providerDegraded = new ConcurrentHashMap<>();
    private final Sinks.Many<KeyStateChange> changes = Sinks.many().multicast().directBestEffort();
    private final List<Consumer<KeyStateChange>> listeners = new CopyOnWriteArrayList<>();

    public KeyHealth(KeyHealthProperties policy, Clock clock, DailyLimits limits) {
        this.policy = policy;
        this.clock = clock;
        this.limits = limits;
    }

    /** Every state change, as it happens (hot; subscribers only see changes after they subscribe). */
    public Flux<KeyStateChange> changes() {
        return changes.asFlux();
    }

    /**
     * Registers a listener that is called synchronously with every change (persistence, metrics): unlike
     * {@link #changes()}, it cannot miss a change when two happen at the same moment on two threads.
     */
    public void onChange(Consumer<KeyStateChange> listener) {
        listeners.add(listener);
    }

    /** Whether the key may be used now (a finished cooldown counts as usable and rejoins the key). */
    public boolean usable(Provider provider, ApiKey key) {
        KeyState state = state(provider.name(), key);
        publish(state.rejoinIfDue(now()));
        return state.usable();
    }

    /** Epoch millis when the key can be used again; Long.MAX_VALUE when it is disabled. */
    public long usableAt(Provider provider, ApiKey key) {
        return state(provider.name(), key).usableAt(now());
    }

    public void succeeded(Provider provider, ApiKey key, long latencyMs) {
        publish(state(provider.name(), key).succeeded(latencyMs, now()));
    }

    /** Applies the failure table to the key. */
    public void failed(Provider provider, ApiKey key, UpstreamException failure) {
        KeyState state = state(provider.name(), key);
        long now = now();
        ErrorClass errorClass = failure.errorClass();
        if (errorClass == ErrorClass.BAD_REQUEST) {
            return;
        }
        state.countFailure(errorClass.code(), failure.getMessage(), now);
        KeyStateChange change = switch (errorClass) {
            case INVALID_KEY -> state.extend(KeyStatus.INVALID, failure.getMessage(),
                    now + policy.invalidKeyCooldown().toMillis(), now);
            case QUOTA_EXCEEDED -> state.extend(KeyStatus.QUOTA_EXCEEDED, failure.getMessage(),
                    Math.max(limits.nextReset().toEpochMilli(), now + hintMillis(failure.retryAfter(), 0)), now);
            case RATE_LIMITED -> state.extend(KeyStatus.RATE_LIMITED, failure.getMessage(),
                    now + hintMillis(failure.retryAfter(), policy.rateLimitCooldown().toMillis()), now);
            case SERVER_ERROR, NETWORK, TIMEOUT -> state.transientFailure(policy.failureThreshold(),
                    policy.failureCooldown().toMillis(), now);
            default -> null;
        };
        publish(change);
    }

    /** Operator action: take the key out until enabled again. */
    public void disable(Provider provider, ApiKey key, String why) {
        publish(state(provider.name(), key).disable(why, now()));
    }

    /** Operator action or passed health check: back into rotation. */
    public void activate(Provider provider, ApiKey key, String why) {
        publish(state(provider.name(), key).activate(why, now()));
    }

    /**
     * A health check passed: brings back keys that were invalid or cooling after failures. Rate-limited
     * and quota-exhausted keys stay out: a models list does not prove the limit is over.
     */
    public void checkPassed(Provider provider, ApiKey key) {
        KeyState state = state(provider.name(), key);
        KeyStatus status = state.status();
        if (status == KeyStatus.INVALID || status == KeyStatus.COOLING) {
            publish(state.activate("health check passed", now()));
        }
    }

    /** A key whose format cannot be right: kept out and reported. */
    public void malformed(Provider provider, ApiKey key, String why) {
        publish(state(provider.name(), key).extend(KeyStatus.INVALID, why, KeyStateChange.UNTIL_FIXED, now()));
    }

    /** Adopts a persisted state or one published by another instance; ignored if the key changed. */
    public void restore(KeyStateChange change) {
        KeyState state = states.get(id(change.provider(), change.alias()));
        if (state == null || !state.fingerprint.equals(change.fingerprint())) {
            return;
        }
        if (state.restore(change)) {
            log.info("Key {} of {} restored as {}{}", change.alias(), change.provider(), change.status().code(),
                    until(change.untilMillis()));
            updateProviderHealth(change.provider());
        }
    }

    /** Drops the record of a key that never joined a pool (e.g. rejected when added at runtime). */
    public void forget(Provider provider, ApiKey key) {
        states.remove(id(provider.name(), key.alias()));
        updateProviderHealth(provider.name());
    }

    /** Registers the keys of a provider (at startup and after a reload); state of known keys is kept. */
    public void register(Provider provider) {
        for (ApiKey key : provider.keys().keys()) {
            state(provider.name(), key);
        }
    }

    public KeyStatus status(Provider provider, ApiKey key) {
        return state(provider.name(), key).status();
    }

    /** Keys of this provider usable right now. */
    public int usableCount(Provider provider) {
        int n = 0;
        for (ApiKey key : provider.keys().keys()) {
            if (key.enabled() && usable(provider, key)) {
                n++;
            }
        }
        return n;
    }

    /** Rejoins keys whose cooldown ran out and refreshes provider health (run every second or so). */
    public void sweep(List<Provider> providers) {
        long now = now();
        for (Provider provider : providers) {
            for (ApiKey key : provider.keys().keys()) {
                publish(state(provider.name(), key).rejoinIfDue(now));
            }
            updateProviderHealth(provider, usableCount(provider));
        }
    }

    public boolean degraded(String provider) {
        return providerDegraded.getOrDefault(provider, false);
    }

    public List<KeyView> view(Provider provider) {
        List<KeyView> out = new ArrayList<>();
        for (ApiKey key : provider.keys().keys()) {
            usable(provider, key);
            out.add(state(provider.name(), key).view(key.masked(), key.enabled(),
                    limits.used(DailyLimits.Scope.KEY, provider.name(), key.alias()), key.dailyLimit()));
        }
        return out;
    }

    private void publish(@Nullable KeyStateChange change) {
        if (change == null) {
            return;
        }
        log.info("Key {} of {} is now {}{}{}", change.alias(), change.provider(), change.status().code(),
                until(change.untilMillis()), change.reason() == null ? "" : " (" + change.reason() + ")");
        for (Consumer<KeyStateChange> listener : listeners) {
            listener.accept(change);
        }
        // a sink must not be emitted to from two threads at once; the section is a few field writes
        synchronized (changes) {
            changes.tryEmitNext(change);
        }
        updateProviderHealth(change.provider());
    }

    private void updateProviderHealth(String provider) {
        int usable = 0;
        int total = 0;
        for (KeyState state : states.values()) {
            if (state.provider.equals(provider)) {
                total++;
                if (state.usable()) {
                    usable++;
                }
            }
        }
        if (total > 0) {
            updateProviderHealthFlag(provider, usable == 0);
        }
    }

    private void updateProviderHealth(Provider provider, int usable) {
        updateProviderHealthFlag(provider.name(), usable == 0 && provider.keys().size() > 0);
    }

    private void updateProviderHealthFlag(String provider, boolean degradedNow) {
        Boolean before = providerDegraded.put(provider, degradedNow);
        if (degradedNow && !Boolean.TRUE.equals(before)) {
            log.warn("Provider {} has no usable key: degraded until a key recovers", provider);
        } else if (!degradedNow && Boolean.TRUE.equals(before)) {
            log.info("Provider {} has a usable key again: healthy", provider);
        }
    }

    private long hintMillis(@Nullable Duration hint, long fallback) {
        if (hint == null) {
            return fallback;
        }
        return Math.min(hint.toMillis(), policy.maxHint().toMillis());
    }

    private KeyState state(String provider, ApiKey key) {
        return states.computeIfAbsent(id(provider, key.alias()),
                id -> new KeyState(provider, key.alias(), KeyFingerprint.of(key.secret())));
    }

    private static String id(String provider, String alias) {
        return provider + '\u0000' + alias;
    }

    private static String until(long untilMillis) {
        if (untilMillis == 0) {
            return "";
        }
        if (KeyStateChange.indefinite(untilMillis)) {
            return " until further notice";
        }
        return " until " + Instant.ofEpochMilli(untilMillis);
    }

    private long now() {
        return clock.millis();
    }
}
