/**
 * Background task jobs: submitted now, run by a worker on any instance, polled later. The queue is a
 * PostgreSQL table ({@link dev.switchboard.tasks.jobs.JobQueue}) that every instance on the database claims
 * from with {@code FOR UPDATE SKIP LOCKED}; {@link dev.switchboard.tasks.jobs.JobWorker} runs this instance's
 * share through the same {@link dev.switchboard.tasks.TaskRunner} as {@code /api/v1/brain/process}.
 */
@NullMarked
package dev.switchboard.tasks.jobs;

import org.jspecify.annotations.NullMarked;
