package dev.switchboard.tasks.jobs;

import java.time.Duration;
import java.util.Map;

/** The queue at one moment: jobs per status (every instance's), and how long the oldest queued one waits. */
public record QueueStats(Map<JobStatus, Long> counts, Duration oldestQueued) {

    public static final QueueStats EMPTY = new QueueStats(Map.of(), Duration.ZERO);

    public QueueStats {
        counts = Map.copyOf(counts);
    }

    public long count(JobStatus status) {
        return counts.getOrDefault(status, 0L);
    }
}
