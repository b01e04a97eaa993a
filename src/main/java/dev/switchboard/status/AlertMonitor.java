package dev.switchboard.status;

import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.config.UsageProperties.Alerts;
import dev.switchboard.routing.RequestObserver;
import dev.switchboard.routing.RequestRun;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the last {@code window} of traffic in 10-second buckets and compares it with the alert
 * thresholds: failure rate (requests the client saw fail), error rate (upstream attempts that failed,
 * fallbacks included) and average response time. Crossing a threshold logs a warning once and marks
 * health degraded until it is back under. Below 20 requests in the window nothing fires (too little to
 * tell).
 */
public final class AlertMonitor implements RequestObserver {

    private static final Logger log = LoggerFactory.getLogger(AlertMonitor.class);
    private static final long BUCKET_MS = 10_000;
    private static final int MIN_REQUESTS = 20;
    private static final int REQUESTS = 0;
    private static final int FAILURES = 1;
    private static final int ATTEMPTS = 2;
    private static final int ERRORS = 3;
    private static final int LATENCY = 4;

    /** One alert's state. */
    public record Alert(String name, double value, double threshold, boolean firing) {
    }

    private final Clock clock;
    private volatile Alerts thresholds;
    private volatile Window window;
    private volatile List<Alert> current = List.of();

    public AlertMonitor(Alerts thresholds, Clock clock) {
        this.thresholds = thresholds;
        this.clock = clock;
        this.window = new Window(thresholds.window());
        evaluate();
    }

    /**
     * New thresholds (a configuration reload). A new window length starts counting afresh; new rates and
     * response time apply at the next evaluation, to the traffic already counted.
     */
    public void thresholds(Alerts next) {
        if (!next.window().equals(thresholds.window())) {
            window = new Window(next.window());
        }
        thresholds = next;
        evaluate();
    }

    public Alerts thresholds() {
        return thresholds;
    }

    @Override
    public void ended(RequestRun run) {
        AtomicLongArray bucket = window.bucket(clock.millis());
        bucket.incrementAndGet(REQUESTS);
        if (run.outcome() != RequestRun.Outcome.SUCCESS && run.outcome() != RequestRun.Outcome.CANCELLED
                && run.outcome() != RequestRun.Outcome.REJECTED) {
            bucket.incrementAndGet(FAILURES);
        }
        for (Attempt attempt : run.attempts()) {
            if (!attempt.upstream()) {
                continue;
            }
            bucket.incrementAndGet(ATTEMPTS);
            if (!attempt.success() && attempt.errorClass() != ErrorClass.CANCELLED) {
                bucket.incrementAndGet(ERRORS);
            }
        }
        bucket.addAndGet(LATENCY, Math.max(0, run.latencyMs()));
    }

    /** Re-evaluates the thresholds (every few seconds); logs when an alert starts or stops firing. */
    public List<Alert> evaluate() {
        Alerts thresholds = this.thresholds;
        long[] sum = window.sum(clock.millis());
        boolean enough = sum[REQUESTS] >= MIN_REQUESTS;
        double failureRate = sum[REQUESTS] == 0 ? 0 : (double) sum[FAILURES] / sum[REQUESTS];
        double errorRate = sum[ATTEMPTS] == 0 ? 0 : (double) sum[ERRORS] / sum[ATTEMPTS];
        double avgMs = sum[REQUESTS] == 0 ? 0 : (double) sum[LATENCY] / sum[REQUESTS];
        List<Alert> next = new ArrayList<>(3);
        next.add(new Alert("failure_rate", failureRate, thresholds.failureRate(), enough && failureRate > thresholds.failureRate()));
        next.add(new Alert("error_rate", errorRate, thresholds.errorRate(), enough && errorRate > thresholds.errorRate()));
        next.add(new Alert("response_time_ms", avgMs, thresholds.responseTime().toMillis(),
                enough && avgMs > thresholds.responseTime().toMillis()));
        List<Alert> before = current;
        for (int i = 0; i < next.size(); i++) {
            Alert alert = next.get(i);
            boolean was = before.size() > i && before.get(i).firing();
            if (alert.firing() && !was) {
                log.warn("Alert {} firing: {} over the last {} is above {}", alert.name(), format(alert.value()),
                        thresholds.window(), format(alert.threshold()));
            } else if (!alert.firing() && was) {
                log.info("Alert {} cleared: {} (threshold {})", alert.name(), format(alert.value()), format(alert.threshold()));
            }
        }
        current = List.copyOf(next);
        return current;
    }

    public List<Alert> alerts() {
        return current;
    }

    public boolean degraded() {
        return current.stream().anyMatch(Alert::firing);
    }

    /** The counts of one window length, in 10-second buckets. */
    private static final class Window {
        private final int buckets;
        private final AtomicLongArray[] counts;
        private final long[] bucketStart;

        Window(Duration length) {
            this.buckets = (int) Math.max(1, length.toMillis() / BUCKET_MS);
            this.counts = new AtomicLongArray[buckets];
            this.bucketStart = new long[buckets];
            for (int i = 0; i < buckets; i++) {
                counts[i] = new AtomicLongArray(5);
            }
        }

        long[] sum(long now) {
            long[] sum = new long[5];
            for (int i = 0; i < buckets; i++) {
                synchronized (counts[i]) {
                    if (now - bucketStart[i] < buckets * BUCKET_MS) {
                        for (int c = 0; c < 5; c++) {
                            sum[c] += counts[i].get(c);
                        }
                    }
                }
            }
            return sum;
        }

        AtomicLongArray bucket(long now) {
            long start = now - now % BUCKET_MS;
            int index = (int) ((now / BUCKET_MS) % buckets);
            AtomicLongArray bucket = counts[index];
            if (bucketStart[index] != start) {
                synchronized (bucket) {
                    if (bucketStart[index] != start) {
                        for (int c = 0; c < 5; c++) {
                            bucket.set(c, 0);
                        }
                        bucketStart[index] = start;
                    }
                }
            }
            return bucket;
        }
    }

    private static String format(double value) {
        return value < 1 ? String.format("%.1f%%", value * 100) : String.format("%.0f", value);
    }
}
