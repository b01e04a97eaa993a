package dev.switchboard.tasks.jobs;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One row of the queue as callers see it (never the request it carries).
 *
 * @param attempts how many times a worker started it so far
 * @param worker the worker that runs it, or ran it last (one per instance)
 * @param resultId the task record of a finished run ({@code /api/v1/brain/results/{id}})
 * @param error why a failed job failed
 */
public record Job(
        String id,
        String clientId,
        JobStatus status,
        int priority,
        String taskType,
        Instant createdAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        int attempts,
        @Nullable String worker,
        @Nullable String resultId,
        @Nullable String error) {
}
