package dev.switchboard.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Background task jobs ({@code /api/v1/brain/jobs}): a queue in PostgreSQL that every instance on the
 * database shares.
 *
 * @param concurrency jobs this instance runs at once; 0 makes it accept and show jobs but never run one
 * @param maxQueued queued jobs (across every instance) beyond which a new job is refused with 429
 *     {@code queue_full}
 * @param maxAttempts how many times a job is started: a job whose instance died is taken again after its
 *     lease runs out, until this many starts, then it fails with the reason
 * @param lease how long a claimed job stays its worker's without a renewal (renewed every third of it); a
 *     job of an instance that died waits this long before another instance takes it
 * @param pollInterval how often an idle worker looks for work when no notification woke it (notifications
 *     wake it at once; polling covers a lost listening connection), and how often expired leases are swept
 * @param timeLimit the longest one run of a job may take (extraction was done on submit; this covers every
 *     round and fallback); past it the job fails
 * @param retention how long finished jobs are kept, then deleted (their task records follow their own rule)
 */
@ConfigurationProperties("switchboard.jobs")
public record JobProperties(
        @DefaultValue("4") int concurrency,
        @DefaultValue("10000") int maxQueued,
        @DefaultValue("3") int maxAttempts,
        @DefaultValue("30s") Duration lease,
        @DefaultValue("5s") Duration pollInterval,
        @DefaultValue("10m") Duration timeLimit,
        @DefaultValue("7d") Duration retention) {

    public JobProperties {
        if (concurrency < 0 || concurrency > 1000) {
            throw new IllegalArgumentException("switchboard.jobs.concurrency must be between 0 and 1000");
        }
        if (maxQueued < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("switchboard.jobs.max-queued and max-attempts must be positive");
        }
        if (lease.toMillis() < 300 || pollInterval.toMillis() < 10 || timeLimit.toMillis() < 1
                || retention.toMillis() < 1) {
            throw new IllegalArgumentException("switchboard.jobs.lease must be at least 300ms, poll-interval at "
                    + "least 10ms, time-limit and retention positive");
        }
    }

    /** Renewals come three times per lease, so one late renewal never loses it. */
    public Duration renewEvery() {
        return lease.dividedBy(3);
    }
}
