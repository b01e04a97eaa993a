package dev.switchboard.routing;

/**
 * Tells the retry loop to make another attempt after {@code waitMillis}: after a failure that moves on
 * (with a backoff when the same provider is tried again), or when every key is cooling but one comes
 * back within the deadline. Stackless; never leaves the chain.
 */
final class NextAttempt extends RuntimeException {

    private final long waitMillis;

    NextAttempt(long waitMillis, String why) {
        super(why, null, false, false);
        this.waitMillis = waitMillis;
    }

    long waitMillis() {
        return waitMillis;
    }
}
