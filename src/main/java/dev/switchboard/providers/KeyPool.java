package dev.switchboard.providers;

import dev.switchboard.config.RoutingProperties.KeyStrategy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The keys of one provider and the order in which a request tries them.
 *
 * <p>Round-robin is lock-free: one atomic counter per pool, each request starts one key further. The
 * priority strategy sorts by the key's priority number, then by calls remaining today (most first).
 */
public final class KeyPool {

    /** Calls a key has left today, for the priority strategy. */
    @FunctionalInterface
    public interface Remaining {
        long callsRemaining(String provider, ApiKey key);

        Remaining UNKNOWN = (provider, key) -> Long.MAX_VALUE;
    }

    private final String provider;
    private final KeyStrategy strategy;
    private final Remaining callsRemaining;
    private final AtomicInteger cursor = new AtomicInteger();
    private volatile List<ApiKey> keys;

    public KeyPool(String provider, List<ApiKey> keys, KeyStrategy strategy, Remaining callsRemaining) {
        this.provider = provider;
        this.keys = List.copyOf(keys);
        this.strategy = strategy;
        this.callsRemaining = callsRemaining;
    }

    public String provider() {
        return provider;
    }

    /** How this pool orders its keys ({@link KeyStrategy#LATENCY} is applied by the router on top of the rotation). */
    public KeyStrategy strategy() {
        return strategy;
    }

    /** All keys in configuration order, enabled or not. */
    public List<ApiKey> keys() {
        return keys;
    }

    public int size() {
        return keys.size();
    }

    /** The enabled keys in the order this request should try them. */
    public List<ApiKey> rotation() {
        List<ApiKey> snapshot = keys;
        int n = snapshot.size();
        List<ApiKey> ordered = new ArrayList<>(n);
        if (n == 0) {
            return ordered;
        }
        int start = Math.floorMod(cursor.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            ApiKey key = snapshot.get((start + i) % n);
            if (key.enabled()) {
                ordered.add(key);
            }
        }
        if (strategy == KeyStrategy.PRIORITY) {
            ordered.sort(Comparator.comparingInt(ApiKey::priority)
                    .thenComparing(Comparator.comparingLong((ApiKey k) -> callsRemaining.callsRemaining(provider, k))
                            .reversed()));
        }
        return ordered;
    }

    /** Adds a key at runtime (copy-on-write: readers never lock). */
    public synchronized void add(ApiKey key) {
        List<ApiKey> next = new ArrayList<>(keys);
        next.add(key);
        keys = List.copyOf(next);
    }

    /**
     * Takes a key out at runtime (copy-on-write); requests that already hold it finish with it.
     *
     * @return whether the pool had it
     */
    public synchronized boolean remove(ApiKey key) {
        List<ApiKey> next = new ArrayList<>(keys);
        boolean removed = next.removeIf(k -> k.alias().equals(key.alias()) && k.secret().equals(key.secret()));
        keys = List.copyOf(next);
        return removed;
    }
}
