package dev.switchboard.observability.live;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The requests that ended recently, kept in a fixed ring so memory stays bounded whatever the load; at
 * more than {@code capacity / window} requests a second the oldest samples of the window are overwritten
 * and the figures describe the most recent ones. Recording is a few field writes under the ring's monitor;
 * the once-a-second summary copies and sorts at most {@code capacity} numbers.
 */
final class RequestWindow {

    private final long windowMillis;
    private final long[] endedAt;
    private final long[] latency;
    private final long[] ttft;
    private final byte[] flags;
    private int next;
    private int size;

    private static final byte ERROR = 1;
    private static final byte FALLBACK = 2;

    RequestWindow(long windowMillis, int capacity) {
        this.windowMillis = windowMillis;
        this.endedAt = new long[capacity];
        this.latency = new long[capacity];
        this.ttft = new long[capacity];
        this.flags = new byte[capacity];
    }

    /** @param ttftMs time to first token, negative when the request did not stream */
    synchronized void record(long endedAtMillis, long latencyMs, long ttftMs, boolean error, boolean fallback) {
        endedAt[next] = endedAtMillis;
        latency[next] = latencyMs;
        ttft[next] = ttftMs;
        flags[next] = (byte) ((error ? ERROR : 0) | (fallback ? FALLBACK : 0));
        next = (next + 1) % endedAt.length;
        size = Math.min(size + 1, endedAt.length);
    }

    /** Counts and percentiles of the requests that ended within the window before {@code nowMillis}. */
    Summary summarize(long nowMillis) {
        long from = nowMillis - windowMillis;
        long[] latencies;
        long[] ttfts;
        int count = 0;
        int streamed = 0;
        int errors = 0;
        int fallbacks = 0;
        synchronized (this) {
            latencies = new long[size];
            ttfts = new long[size];
            for (int i = 1; i <= size; i++) {
                int at = Math.floorMod(next - i, endedAt.length);
                if (endedAt[at] <= from) {
                    break;
                }
                latencies[count++] = latency[at];
                if (ttft[at] >= 0) {
                    ttfts[streamed++] = ttft[at];
                }
                errors += (flags[at] & ERROR) != 0 ? 1 : 0;
                fallbacks += (flags[at] & FALLBACK) != 0 ? 1 : 0;
            }
        }
        long[] sortedLatency = Arrays.copyOf(latencies, count);
        long[] sortedTtft = Arrays.copyOf(ttfts, streamed);
        Arrays.sort(sortedLatency);
        Arrays.sort(sortedTtft);
        return new Summary(count, errors, fallbacks, count * 1000.0 / windowMillis,
                percentile(sortedLatency, 0.50), percentile(sortedLatency, 0.95),
                percentile(sortedTtft, 0.50), percentile(sortedTtft, 0.95));
    }

    long windowMillis() {
        return windowMillis;
    }

    /** Nearest-rank percentile; null when there is no sample. */
    static @Nullable Long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return null;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    record Summary(int requests, int errors, int fallbacks, double perSecond, @Nullable Long latencyP50,
            @Nullable Long latencyP95, @Nullable Long ttftP50, @Nullable Long ttftP95) {
    }
}
