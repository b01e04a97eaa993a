package dev.switchboard.security;

/**
 * A token bucket: up to {@code capacity} at once, refilled evenly at {@code capacity} per
 * {@code periodMillis}. Callers pass the time, so tests need no clock tricks.
 */
final class TokenBucket {

    private final double capacity;
    private final double perMilli;
    private double tokens;
    private long lastMillis;

    TokenBucket(int capacity, long periodMillis, long nowMillis) {
        this.capacity = capacity;
        this.perMilli = capacity / (double) periodMillis;
        this.tokens = capacity;
        this.lastMillis = nowMillis;
    }

    /** Takes a token and answers 0, or answers how many milliseconds until one is available. */
    synchronized long tryTake(long nowMillis) {
        if (nowMillis > lastMillis) {
            tokens = Math.min(capacity, tokens + (nowMillis - lastMillis) * perMilli);
            lastMillis = nowMillis;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / perMilli));
    }
}
