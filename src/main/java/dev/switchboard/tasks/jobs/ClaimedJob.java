package dev.switchboard.tasks.jobs;

/**
 * A job this instance claimed: its lease is held by this instance's worker id, and {@code attempt} (the
 * start it is) fences every later write, so a worker whose lease ran out can no longer change the row.
 */
public record ClaimedJob(String id, String clientId, int attempt, JobRequest request) {

    /** The request id of this start: the job's id, with the attempt when it is a retake. */
    public String requestId() {
        return attempt <= 1 ? id : id + "-a" + attempt;
    }
}
