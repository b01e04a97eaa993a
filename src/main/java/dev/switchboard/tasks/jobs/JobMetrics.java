package dev.switchboard.tasks.jobs;

import dev.switchboard.observability.live.QueueReadout;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The job queue's meters:
 * <ul>
 *   <li>{@code switchboard.jobs.queue} (gauge, by {@code status}): jobs in each status over every instance,
 *       as of the last count (every poll interval);
 *   <li>{@code switchboard.jobs.oldest.queued} (gauge, seconds): how long the oldest queued job has waited;
 *   <li>{@code switchboard.jobs.running.here} (gauge): jobs this instance runs now;
 *   <li>{@code switchboard.jobs.duration} (timer, by {@code outcome}): one start of a job, claim to record;
 *   <li>{@code switchboard.jobs.retakes} (counter): jobs queued again after their worker's lease ran out;
 *       {@code switchboard.jobs.abandoned} (counter): jobs failed for running out of attempts that way.
 * </ul>
 * It also gives the live dashboard its queue figures.
 */
public final class JobMetrics implements QueueReadout {

    private final Map<JobStatus, Timer> durations = new EnumMap<>(JobStatus.class);
    private final Counter retakes;
    private final Counter abandoned;
    private final AtomicInteger runningHere = new AtomicInteger();
    private volatile QueueStats last = QueueStats.EMPTY;

    public JobMetrics(MeterRegistry registry) {
        for (JobStatus status : JobStatus.values()) {
            Gauge.builder("switchboard.jobs.queue", () -> last.count(status))
                    .description("Background jobs in each status, over every instance")
                    .tag("status", status.code()).register(registry);
        }
        Gauge.builder("switchboard.jobs.oldest.queued", () -> last.oldestQueued().toMillis() / 1000.0)
                .description("How long the oldest queued job has waited").baseUnit("seconds").register(registry);
        Gauge.builder("switchboard.jobs.running.here", runningHere::get)
                .description("Jobs this instance runs now").register(registry);
        for (JobStatus end : new JobStatus[] {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED}) {
            durations.put(end, Timer.builder("switchboard.jobs.duration")
                    .description("One start of a job, from its claim to its recorded end")
                    .tag("outcome", end.code()).register(registry));
        }
        retakes = Counter.builder("switchboard.jobs.retakes")
                .description("Jobs queued again after their worker stopped renewing the lease").register(registry);
        abandoned = Counter.builder("switchboard.jobs.abandoned")
                .description("Jobs failed after max-attempts starts whose workers all stopped renewing the lease")
                .register(registry);
    }

    void observed(QueueStats stats) {
        last = stats;
    }

    /**
     * One start of a job ended: succeeded or failed as recorded, or cancelled (stopped, or no longer ours); a
     * start put back in the queue ({@code queued}, its client over its limits) is not timed.
     */
    void started() {
        runningHere.incrementAndGet();
    }

    void ended(JobStatus outcome, long nanos) {
        runningHere.decrementAndGet();
        Timer timer = durations.get(outcome);
        if (timer != null) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    void swept(long queuedAgain, long failed) {
        retakes.increment(queuedAgain);
        abandoned.increment(failed);
    }

    QueueStats last() {
        return last;
    }

    @Override
    public Reading read() {
        QueueStats stats = last;
        return new Reading(stats.count(JobStatus.QUEUED), stats.count(JobStatus.RUNNING),
                stats.oldestQueued().toSeconds(), runningHere.get());
    }
}
