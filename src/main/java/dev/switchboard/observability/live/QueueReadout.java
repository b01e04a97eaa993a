package dev.switchboard.observability.live;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The background job queue as the live dashboard shows it; the jobs feature provides it (the live feed
 * does without when there is none).
 */
@FunctionalInterface
public interface QueueReadout {

    Reading read();

    /** Jobs waiting and running over every instance, the age of the oldest waiting one, this instance's share. */
    record Reading(long queued, long running, @JsonProperty("oldest_queued_seconds") long oldestQueuedSeconds,
            @JsonProperty("running_here") int runningHere) {
    }
}
