package dev.switchboard.routing;

import dev.switchboard.config.HedgeProperties;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * When a stream is hedged: its delay (a fixed {@code delay}, else the running percentile of the time to
 * first content of the provider and model, at least {@code min-delay}) and its budget (a token bucket per
 * provider: each streamed request of the provider adds {@code budget} of a token, up to {@code burst}; a
 * hedge spends one, so extra upstream calls stay at or below that share of the provider's streams).
 * Thread-safe; recording a sample is a short lock on one small window.
 */
public final class HedgePolicy {

    /** Samples each provider and model keeps for its percentile. */
    static final int WINDOW = 256;
    /** Recompute the percentile after this many new samples (a sort of {@value #WINDOW} numbers). */
    private static final int RECOMPUTE_EVERY = 16;
    private static final long MICRO = 1_000_000;

    private final HedgeProperties properties;
    private final long deposit;
    private final long capacity;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> buckets = new ConcurrentHashMap<>();
    private final AtomicLong hedges = new AtomicLong();
    private final AtomicLong hedgeWins = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    public HedgePolicy(HedgeProperties properties) {
        this.properties = properties;
        this.deposit = Math.round(properties.budget() * MICRO);
        this.capacity = properties.burst() * MICRO;
    }

    /** Hedging off unless a request asks for it, with the default delay and budget. */
    public static HedgePolicy off() {
        return new HedgePolicy(HedgeProperties.off());
    }

    /** Whether a request with this wish ({@code "hedge"}: true, false or absent) may be hedged at all. */
    boolean wanted(@Nullable Boolean wish) {
        return wish == null ? properties.enabled() : wish;
    }

    /**
     * A streamed request of this provider started its first attempt: the provider's budget grows by its share.
     */
    void streamStarted(String provider) {
        AtomicLong bucket = buckets.computeIfAbsent(provider, p -> new AtomicLong(MICRO));
        bucket.getAndUpdate(tokens -> Math.min(capacity, tokens + deposit));
    }

    /** Spends one hedge of the provider's budget; false (and counted as refused) when there is none left. */
    boolean trySpend(String provider) {
        AtomicLong bucket = buckets.computeIfAbsent(provider, p -> new AtomicLong(MICRO));
        for (;;) {
            long tokens = bucket.get();
            if (tokens < MICRO) {
                refused.incrementAndGet();
                return false;
            }
            if (bucket.compareAndSet(tokens, tokens - MICRO)) {
                return true;
            }
        }
    }

    /** Gives back a hedge that was not started after all (no candidate left). */
    void refund(String provider) {
        buckets.computeIfAbsent(provider, p -> new AtomicLong(MICRO)).addAndGet(MICRO);
    }

    /** A hedge was started; {@link #won} when it delivered first. */
    void started() {
        hedges.incrementAndGet();
    }

    void won() {
        hedgeWins.incrementAndGet();
    }

    /**
     * How long the first content of this provider and model may take before the stream is hedged; null
     * while the running figure rests on fewer than {@code min-samples} streams (and no fixed delay is set).
     */
    @Nullable Duration delay(String provider, String model) {
        if (properties.delay() != null) {
            return properties.delay();
        }
        Window window = windows.get(provider + '\u0000' + model);
        long quantile = window == null ? -1 : window.quantile(properties.percentile(), properties.minSamples());
        if (quantile < 0) {
            return null;
        }
        return Duration.ofMillis(Math.max(properties.minDelay().toMillis(), quantile));
    }

    /** The time to first content of a stream of this provider and model. */
    void firstContent(String provider, String model, long millis) {
        windows.computeIfAbsent(provider + '\u0000' + model, k -> new Window()).add(millis);
    }

    /** Hedges started since start. */
    public long hedges() {
        return hedges.get();
    }

    /** Hedges whose second call delivered first. */
    public long hedgeWins() {
        return hedgeWins.get();
    }

    /** Hedges the budget refused. */
    public long refused() {
        return refused.get();
    }

    /** The last {@value #WINDOW} times to first content of one provider and model. */
    private static final class Window {

        private final long[] samples = new long[WINDOW];
        private int count;
        private int sinceComputed;
        private long cached = -1;
        private double cachedFor = -1;

        synchronized void add(long millis) {
            samples[count % WINDOW] = millis;
            count++;
            sinceComputed++;
        }

        synchronized long quantile(double percentile, int minSamples) {
            if (count < minSamples) {
                return -1;
            }
            if (cached < 0 || sinceComputed >= RECOMPUTE_EVERY || cachedFor != percentile) {
                int n = Math.min(count, WINDOW);
                long[] sorted = Arrays.copyOf(samples, n);
                Arrays.sort(sorted);
                cached = sorted[Math.min(n - 1, (int) Math.ceil(percentile * n) - 1)];
                cachedFor = percentile;
                sinceComputed = 0;
            }
            return cached;
        }
    }
}
