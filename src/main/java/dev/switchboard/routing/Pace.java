package dev.switchboard.routing;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The running figures of one key, one provider or all of them: time to first content and error rate as
 * exponentially weighted moving averages, calls in flight, and counters (calls, prompt and cached prompt
 * tokens). Lock-free: each average is one {@code long} (the value as a float and the time of its last sample)
 * changed by compare-and-set, so recording is a few atomic operations and no allocation.
 *
 * <p>The averages are weighted by time: a sample {@code Δt} after the previous one weighs
 * {@code 1 − e^(−Δt/τ)}, at least {@value #MIN_WEIGHT} (a busy key follows a change within a few dozen calls,
 * an idle one takes its next sample almost at face value). Read later, an average fades towards a prior
 * over the same time constant: a key's time to first content towards its provider's, a provider's towards
 * all providers', an error rate towards zero. So a key nobody calls, because it was slow or failing, comes
 * back into the running after a while, is tried, and keeps its share only if it has become fast.
 */
public final class Pace {

    /** The least weight of one sample (so samples that come in the same millisecond still count). */
    static final double MIN_WEIGHT = 0.05;

    private final double tauMillis;
    private final AtomicLong firstContent = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong cachedTokens = new AtomicLong();

    /** @param tauMillis the averages' time constant */
    Pace(double tauMillis) {
        this.tauMillis = tauMillis;
    }

    /** An upstream call starts. */
    void started() {
        inFlight.incrementAndGet();
        calls.incrementAndGet();
    }

    /** An upstream call ended, however. */
    void ended() {
        inFlight.decrementAndGet();
    }

    /** The time to first content of a call that delivered content (or a lower bound of one that was hedged out). */
    void firstContent(long millis, long now) {
        record(firstContent, millis, now);
    }

    /** A call succeeded (0) or failed (1): the error rate's sample. */
    void outcome(boolean failed, long now) {
        record(errors, failed ? 1 : 0, now);
    }

    /** Prompt tokens of an answer, and the part the provider read from its prompt cache. */
    void tokens(int prompt, int cached) {
        if (prompt > 0) {
            promptTokens.addAndGet(prompt);
        }
        if (cached > 0) {
            cachedTokens.addAndGet(cached);
        }
    }

    /** The running time to first content in milliseconds, faded towards {@code prior} since the last sample. */
    double firstContentMillis(long now, double prior) {
        return read(firstContent.get(), now, prior);
    }

    /** The running share of calls that failed (0 to 1), faded towards zero since the last sample. */
    double errorRate(long now) {
        return read(errors.get(), now, 0);
    }

    int inFlight() {
        return inFlight.get();
    }

    long calls() {
        return calls.get();
    }

    long promptTokens() {
        return promptTokens.get();
    }

    long cachedTokens() {
        return cachedTokens.get();
    }

    /** Whether a time to first content was ever recorded. */
    boolean measured() {
        return firstContent.get() != 0;
    }

    /**
     * What sending one more call here costs: the expected time to first content, times the calls already in
     * flight plus one, times {@code 1 + penalty × error rate}. Lower is better.
     */
    double cost(long now, double prior, double errorPenalty) {
        double ttfc = Math.max(1, firstContentMillis(now, prior));
        return ttfc * (1 + inFlight.get()) * (1 + errorPenalty * errorRate(now));
    }

    private void record(AtomicLong average, double sample, long now) {
        for (;;) {
            long word = average.get();
            double next;
            if (word == 0) {
                next = sample;
            } else {
                double weight = Math.max(MIN_WEIGHT, 1 - fade(word, now));
                next = value(word) * (1 - weight) + sample * weight;
            }
            if (average.compareAndSet(word, pack(next, now))) {
                return;
            }
        }
    }

    private double read(long word, long now, double prior) {
        if (word == 0) {
            return prior;
        }
        return prior + (value(word) - prior) * fade(word, now);
    }

    private static double value(long word) {
        return Float.intBitsToFloat((int) (word >>> 32));
    }

    /** {@code e^(−Δt/τ)}: how much of the last value is left; Δt is read modulo 2^32 ms (49 days). */
    private double fade(long word, long now) {
        long elapsed = Integer.toUnsignedLong((int) now - (int) word);
        return elapsed == 0 ? 1 : Math.exp(-elapsed / tauMillis);
    }

    /** The value as a float in the high half, the time's low 32 bits in the low half; never 0 once written. */
    private static long pack(double value, long now) {
        long word = ((long) Float.floatToRawIntBits((float) value) << 32) | (now & 0xffff_ffffL);
        return word == 0 ? 1 : word;
    }
}
