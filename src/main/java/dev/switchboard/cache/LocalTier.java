package dev.switchboard.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The in-process tier: Caffeine, least recently used out first. Caffeine bounds a cache by weight or by
 * count, not both; each entry weighs its bytes but never less than {@code maxBytes / maxEntries}, so the
 * byte bound also keeps at most {@code maxEntries} entries. Each entry expires at its own time, read from
 * the gateway's clock (so tests move it with virtual time).
 */
final class LocalTier {

    private record Entry(CachedAnswer answer, long expiresAtMillis, int bytes) {
    }

    private final Cache<String, Entry> cache;
    private final Clock clock;
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong expirations = new AtomicLong();

    LocalTier(int maxEntries, long maxBytes, Clock clock) {
        this.clock = clock;
        int minWeight = (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxBytes / maxEntries));
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String key, Entry entry) -> Math.max(entry.bytes(), minWeight))
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry entry, long currentTime) {
                        return remainingNanos(entry);
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry entry, long currentTime, long currentDuration) {
                        return remainingNanos(entry);
                    }

                    @Override
                    public long expireAfterRead(String key, Entry entry, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .ticker(ticker(clock))
                .executor(Runnable::run)
                .removalListener((String key, Entry entry, RemovalCause cause) -> {
                    if (cause == RemovalCause.SIZE) {
                        evictions.incrementAndGet();
                    } else if (cause == RemovalCause.EXPIRED) {
                        expirations.incrementAndGet();
                    }
                })
                .build();
    }

    @Nullable CachedAnswer get(String key) {
        Entry entry = cache.getIfPresent(key);
        return entry == null || entry.expiresAtMillis() <= clock.millis() ? null : entry.answer();
    }

    void put(String key, CachedAnswer answer, long expiresAtMillis) {
        cache.put(key, new Entry(answer, expiresAtMillis, answer.bytes()));
    }

    /** Runs Caffeine's pending maintenance: expired entries go now rather than on the next write. */
    void cleanUp() {
        cache.cleanUp();
    }

    long entries() {
        return cache.estimatedSize();
    }

    long bytes() {
        return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }

    long evictions() {
        return evictions.get();
    }

    long expirations() {
        return expirations.get();
    }

    private long remainingNanos(Entry entry) {
        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, entry.expiresAtMillis() - clock.millis()));
    }

    private static Ticker ticker(Clock clock) {
        return () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    }
}
