package dev.switchboard.tasks.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.testsupport.GatewayIT;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/**
 * The queue's rules, straight against PostgreSQL: order, one owner per job, fenced writes, leases, retention.
 * Other test instances on the same database may have queued jobs of their own at priority 5; this class's
 * jobs go first (priority 9 and up) and whatever of theirs a test claims is put back afterwards.
 */
@GatewayIT
class JobQueueIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CLIENT = "job-queue-it";
    private static final JobRequest REQUEST = new JobRequest("generic", "text", "queued by JobQueueIT", null, Map.of(),
            Map.of(), null, null, null, null, null, null);

    @Autowired
    JobQueue queue;

    @Autowired
    JobWorker worker;

    @Autowired
    DatabaseClient database;

    @Autowired
    JsonMapper json;

    @BeforeEach
    void onlyThisTestClaims() {
        Workers.pause(worker);
        clear();
    }

    @AfterEach
    void cleanUp() {
        clear();
        database.sql("update task_job set status = 'queued', attempts = greatest(attempts - 1, 0), lease_owner = null, "
                + "lease_until = null where status = 'running' and lease_owner like 'it-%'").fetch().rowsUpdated().block(WAIT);
        Workers.resume(worker);
    }

    private void clear() {
        database.sql("delete from task_job where client_id = :c").bind("c", CLIENT).fetch().rowsUpdated().block(WAIT);
    }

    /** This class's jobs come before any another instance left queued (default priority 5). */
    private Job submit() {
        return submit(9);
    }

    private Job submit(int priority) {
        return queue.submit(REQUEST, CLIENT, priority).block(WAIT);
    }

    private List<ClaimedJob> claim(String owner, int count) {
        return queue.claim(owner, count, Duration.ofSeconds(30)).collectList().block(WAIT);
    }

    private void expireLeases() {
        database.sql("update task_job set lease_until = now() - interval '1 second' where client_id = :c "
                + "and status = 'running'").bind("c", CLIENT).fetch().rowsUpdated().block(WAIT);
    }

    private Job find(String id) {
        return queue.find(id).block(WAIT);
    }

    @Test
    void higherPriorityFirstThenOldestFirst() {
        Job low = submit(8);
        Job firstHigh = submit(9);
        Job secondHigh = submit(9);

        assertThat(claim("it-a", 1)).extracting(ClaimedJob::id).containsExactly(firstHigh.id());
        assertThat(claim("it-a", 1)).extracting(ClaimedJob::id).containsExactly(secondHigh.id());
        assertThat(claim("it-a", 1)).extracting(ClaimedJob::id).containsExactly(low.id());
    }

    @Test
    void concurrentClaimsNeverTakeTheSameJob() {
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            submitted.add(submit(9).id());
        }

        List<ClaimedJob> claimed = Flux.range(0, 40)
                .flatMap(i -> queue.claim("it-owner-" + (i % 4), 2, Duration.ofSeconds(30)), 16)
                .collectList().block(WAIT);

        Set<String> distinct = new HashSet<>();
        claimed.forEach(c -> assertThat(distinct.add(c.id())).as("claimed once: " + c.id()).isTrue());
        assertThat(distinct).containsAll(submitted);
        assertThat(claimed).filteredOn(c -> submitted.contains(c.id()))
                .allSatisfy(c -> assertThat(c.attempt()).isEqualTo(1));
    }

    @Test
    void aWorkerThatLostItsLeaseCannotRecordAnOutcome() {
        Job job = submit();
        ClaimedJob first = claim("it-dead", 1).get(0);
        expireLeases();
        assertThat(queue.sweepExpired(3).collectList().block(WAIT)).containsExactly(JobStatus.QUEUED);
        ClaimedJob second = claim("it-alive", 1).get(0);
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.requestId()).isEqualTo(job.id() + "-a2");

        assertThat(queue.finish("it-dead", first, JobStatus.SUCCEEDED, "task_from_the_dead", null).block(WAIT)).isFalse();
        assertThat(queue.renew("it-dead", List.of(job.id()), Duration.ofSeconds(30)).collectList().block(WAIT)).isEmpty();
        assertThat(queue.finish("it-alive", second, JobStatus.SUCCEEDED, "task_alive", null).block(WAIT)).isTrue();
        assertThat(queue.finish("it-alive", second, JobStatus.FAILED, null, "again").block(WAIT))
                .as("a finished job's outcome never changes").isFalse();

        Job finished = find(job.id());
        assertThat(finished.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(finished.resultId()).isEqualTo("task_alive");
        assertThat(finished.worker()).isEqualTo("it-alive");
        assertThat(finished.attempts()).isEqualTo(2);
    }

    @Test
    void aJobWhoseWorkersKeepDyingFailsAfterMaxAttemptsWithTheReason() {
        Job job = submit();
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(claim("it-dying-" + attempt, 1)).singleElement().satisfies(c -> assertThat(c.id()).isEqualTo(job.id()));
            expireLeases();
            assertThat(queue.sweepExpired(3).collectList().block(WAIT))
                    .containsExactly(attempt < 3 ? JobStatus.QUEUED : JobStatus.FAILED);
        }

        Job failed = find(job.id());
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error()).contains("started 3 time(s)").contains("max-attempts");
        assertThat(failed.finishedAt()).isNotNull();
        assertThat(claim("it-late", 1)).extracting(ClaimedJob::id).doesNotContain(job.id());
    }

    @Test
    void aPostponedJobWaitsAndIsNotCountedAsAnAttempt() {
        Job job = submit();
        ClaimedJob claimed = claim("it-w", 1).get(0);

        assertThat(queue.postpone("it-w", claimed, Duration.ofMinutes(5)).block(WAIT)).isTrue();

        assertThat(find(job.id()).status()).isEqualTo(JobStatus.QUEUED);
        assertThat(find(job.id()).attempts()).isZero();
        assertThat(claim("it-w", 1)).extracting(ClaimedJob::id).as("not before its time").doesNotContain(job.id());
    }

    @Test
    void releasingAtShutdownPutsRunningJobsBack() {
        Job job = submit();
        claim("it-stopping", 1);

        assertThat(queue.release("it-stopping").block(WAIT)).isEqualTo(1L);

        assertThat(find(job.id()).status()).isEqualTo(JobStatus.QUEUED);
        assertThat(find(job.id()).attempts()).isZero();
    }

    @Test
    void aFullQueueRefusesWith429AndARetryHint() {
        long queuedElsewhere = database.sql("select count(*) as n from task_job where status = 'queued'")
                .map(row -> row.get("n", Long.class)).one().block(WAIT);
        JobQueue tight = new JobQueue(database, json, (int) queuedElsewhere + 2);
        tight.submit(REQUEST, CLIENT, 9).block(WAIT);
        tight.submit(REQUEST, CLIENT, 9).block(WAIT);

        assertThatThrownBy(() -> tight.submit(REQUEST, CLIENT, 9).block(WAIT))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.code()).isEqualTo("queue_full");
                    assertThat(e.retryAfter()).isPositive();
                });
    }

    @Test
    void finishedJobsAreDeletedAfterTheRetention() {
        Job old = submit();
        Job recent = submit();
        for (ClaimedJob c : claim("it-w", 2)) {
            queue.finish("it-w", c, JobStatus.SUCCEEDED, null, null).block(WAIT);
        }
        database.sql("update task_job set finished_at = now() - interval '8 days' where id = :id")
                .bind("id", old.id()).fetch().rowsUpdated().block(WAIT);

        queue.purge(Duration.ofDays(7)).block(WAIT);

        assertThat(queue.find(old.id()).blockOptional(WAIT)).isEmpty();
        assertThat(find(recent.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    }
}
