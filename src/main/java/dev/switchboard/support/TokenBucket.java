package dev.switchboard.support;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A token bucket (Bucket4j): up to {@code capacity} at once, refilled evenly ("greedy" refill) at
 * {@code capacity} per {@code periodMillis}. Callers pass the time, which Bucket4j reads through a
 * {@link TimeMeter}, so tests need no clock tricks and time never runs backwards for the bucket.
 */
public final class TokenBucket {

    private final Bucket bucket;
    private long nowNanos;

    public TokenBucket(int capacity, long periodMillis, long nowMillis) {
        this.nowNanos = TimeUnit.MILLISECONDS.toNanos(nowMillis);
        this.bucket = Bucket.builder()
                .addLimit(limit -> limit.capacity(capacity).refillGreedy(capacity, Duration.ofMillis(periodMillis)))
                .withCustomTimePrecision(new CallerTime())
                .build();
    }

    /** Takes a token and answers 0, or answers how many milliseconds until one is available. */
    public synchronized long tryTake(long nowMillis) {
        nowNanos = Math.max(nowNanos, TimeUnit.MILLISECONDS.toNanos(nowMillis));
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return 0;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(probe.getNanosToWaitForRefill() + 999_999));
    }

    /** The time of the call in progress (read under the bucket's lock). */
    private final class CallerTime implements TimeMeter {

        @Override
        public long currentTimeNanos() {
            return nowNanos;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    }
}
