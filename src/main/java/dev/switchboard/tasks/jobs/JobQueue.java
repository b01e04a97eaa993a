package dev.switchboard.tasks.jobs;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.database.PostgresChannel;
import dev.switchboard.database.PostgresText;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The job queue: the {@code task_job} table, shared by every instance on the database. Every state change is
 * one SQL statement whose {@code where} clause says from which state it may happen, so two instances (or a
 * cancel racing a finish) can never both win: claims skip rows another transaction holds
 * ({@code FOR UPDATE SKIP LOCKED}), and a worker's writes name its lease and attempt. Lease times are the
 * database's clock, the one every instance shares.
 */
public final class JobQueue {

    /** New jobs and lease sweeps wake every worker ({@code new}); {@code cancel:<id>} stops a running job. */
    public static final PostgresChannel CHANNEL = new PostgresChannel("switchboard_jobs");
    static final String WAKE = "new";
    static final String CANCEL = "cancel:";

    private static final Pattern POSSIBLE_ID = Pattern.compile("job_[0-9a-f]{24}");
    private static final String COLUMNS = "id, client_id, status, priority, task_type, created_at, started_at, "
            + "finished_at, attempts, lease_owner, result_id, error";

    private final DatabaseClient database;
    private final JsonMapper json;
    private final int maxQueued;

    public JobQueue(DatabaseClient database, JsonMapper json, int maxQueued) {
        this.database = database;
        this.json = json;
        this.maxQueued = maxQueued;
    }

    DatabaseClient database() {
        return database;
    }

    /** Queues a job, or refuses it with 429 {@code queue_full} when {@code max-queued} jobs are waiting. */
    public Mono<Job> submit(JobRequest request, String clientId, int priority) {
        String id = nextId();
        return database.sql("insert into task_job (id, client_id, priority, task_type, request) "
                        + "select $1, $2, $3, $4, $5 "
                        + "where (select count(*) from task_job where status = 'queued') < $6 "
                        + "returning " + COLUMNS)
                .bind(0, id)
                .bind(1, PostgresText.text(clientId))
                .bind(2, (short) priority)
                .bind(3, PostgresText.text(request.taskType()))
                .bind(4, Json.of(PostgresText.json(json.writeValueAsString(request))))
                .bind(5, (long) maxQueued)
                .map(JobQueue::job)
                .one()
                .switchIfEmpty(Mono.error(() -> new GatewayException(429, "rate_limit_error", "queue_full",
                        "The job queue is full (" + maxQueued + " jobs waiting); try again later.", Duration.ofSeconds(5))))
                .flatMap(job -> CHANNEL.notify(database, WAKE).thenReturn(job));
    }

    public Mono<Job> find(String id) {
        if (!POSSIBLE_ID.matcher(id).matches()) {
            return Mono.empty();
        }
        return database.sql("select " + COLUMNS + " from task_job where id = $1").bind(0, id).map(JobQueue::job).one();
    }

    /**
     * One page of jobs, newest first, {@code size + 1} at most (one more than asked tells the caller there is
     * a next page).
     *
     * @param clientId only this client's jobs; null for everyone's (the admin)
     */
    public Flux<Job> list(@Nullable String clientId, @Nullable JobStatus status, int page, int size) {
        DatabaseClient.GenericExecuteSpec spec = database.sql("select " + COLUMNS + " from task_job "
                + "where ($1::text is null or client_id = $1) and ($2::text is null or status = $2) "
                + "order by created_at desc, id desc limit $3 offset $4");
        spec = clientId == null ? spec.bindNull(0, String.class) : spec.bind(0, clientId);
        spec = status == null ? spec.bindNull(1, String.class) : spec.bind(1, status.code());
        return spec.bind(2, size + 1)
                .bind(3, (long) (page - 1) * size)
                .map(JobQueue::job)
                .all();
    }

    /**
     * Cancels a queued or running job; a running one's worker (on whichever instance) is told to stop its
     * upstream call. Empty when the job had already finished (or does not exist).
     */
    public Mono<Job> cancel(String id) {
        return database.sql("with old as (select id, status from task_job where id = $1 "
                        + "and status in ('queued', 'running') for update) "
                        + "update task_job j set status = 'cancelled', finished_at = now(), "
                        + "lease_until = null, request = null, error = 'cancelled by the client' "
                        + "from old where j.id = old.id returning old.status as was, " + prefixed("j"))
                .bind(0, id)
                .map(row -> new Cancelled(job(row), "running".equals(row.get("was", String.class))))
                .one()
                .flatMap(cancelled -> cancelled.wasRunning()
                        ? CHANNEL.notify(database, CANCEL + cancelled.job().id()).thenReturn(cancelled.job())
                        : Mono.just(cancelled.job()));
    }

    /** Takes up to {@code count} queued jobs for {@code owner}, highest priority first, then oldest. */
    Flux<ClaimedJob> claim(String owner, int count, Duration lease) {
        return database.sql("with next as (select id from task_job where status = 'queued' "
                        + "and (run_after is null or run_after <= now()) "
                        + "order by priority desc, created_at, id limit $1 for update skip locked) "
                        + "update task_job j set status = 'running', attempts = j.attempts + 1, lease_owner = $2, "
                        + "lease_until = now() + $3 * interval '1 millisecond', started_at = coalesce(j.started_at, now()), "
                        + "run_after = null from next where j.id = next.id "
                        + "returning j.id, j.client_id, j.attempts, j.request")
                .bind(0, count)
                .bind(1, owner)
                .bind(2, (double) lease.toMillis())
                .map(row -> new ClaimedJob(row.get("id", String.class), row.get("client_id", String.class),
                        integer(row, "attempts"), json.readValue(text(row, "request"), JobRequest.class)))
                .all();
    }

    /** Renews the leases of {@code ids}; answers the ids still held (a missing one was lost or cancelled). */
    Flux<String> renew(String owner, List<String> ids, Duration lease) {
        return database.sql("update task_job set lease_until = now() + $2 * interval '1 millisecond' "
                        + "where lease_owner = $1 and status = 'running' and id = any($3) returning id")
                .bind(0, owner)
                .bind(1, (double) lease.toMillis())
                .bind(2, ids.toArray(String[]::new))
                .map(row -> row.get("id", String.class))
                .all();
    }

    /** Ends a run; false when the job was no longer this run's (cancelled, or retaken after its lease ran out). */
    Mono<Boolean> finish(String owner, ClaimedJob claimed, JobStatus status, @Nullable String resultId,
            @Nullable String error) {
        DatabaseClient.GenericExecuteSpec spec = database.sql("update task_job set status = $1, finished_at = now(), "
                        + "result_id = $2, error = $3, lease_until = null, request = null "
                        + "where id = $4 and lease_owner = $5 and attempts = $6 and status = 'running'")
                .bind(0, status.code());
        spec = resultId == null ? spec.bindNull(1, String.class) : spec.bind(1, resultId);
        spec = error == null ? spec.bindNull(2, String.class) : spec.bind(2, PostgresText.text(abbreviate(error)));
        return spec.bind(3, claimed.id()).bind(4, owner).bind(5, claimed.attempt())
                .fetch().rowsUpdated().map(rows -> rows > 0);
    }

    /** Puts a run back in the queue, not counted as an attempt, to be claimed again after {@code delay}. */
    Mono<Boolean> postpone(String owner, ClaimedJob claimed, Duration delay) {
        return database.sql("update task_job set status = 'queued', attempts = attempts - 1, lease_owner = null, "
                        + "lease_until = null, run_after = now() + $1 * interval '1 millisecond' "
                        + "where id = $2 and lease_owner = $3 and attempts = $4 and status = 'running'")
                .bind(0, (double) delay.toMillis())
                .bind(1, claimed.id()).bind(2, owner).bind(3, claimed.attempt())
                .fetch().rowsUpdated().map(rows -> rows > 0);
    }

    /** At shutdown: this instance's running jobs go back to the queue, their runs not counted as attempts. */
    Mono<Long> release(String owner) {
        return database.sql("update task_job set status = 'queued', attempts = greatest(attempts - 1, 0), "
                        + "lease_owner = null, lease_until = null where lease_owner = $1 and status = 'running'")
                .bind(0, owner)
                .fetch().rowsUpdated();
    }

    /**
     * Running jobs whose lease ran out (their instance died or lost the database): queued again, or failed
     * once they were started {@code maxAttempts} times. Answers the status each one got.
     */
    Flux<JobStatus> sweepExpired(int maxAttempts) {
        return database.sql("update task_job set "
                        + "status = case when attempts >= $1 then 'failed' else 'queued' end, "
                        + "finished_at = case when attempts >= $1 then now() end, "
                        + "error = case when attempts >= $1 then 'The job was started ' || attempts || ' time(s) and "
                        + "each time its worker stopped renewing its lease (instance gone?); giving up (max-attempts "
                        + "is ' || $1 || ').' end, "
                        + "request = case when attempts >= $1 then null else request end, "
                        + "lease_owner = case when attempts >= $1 then lease_owner end, lease_until = null "
                        + "where status = 'running' and lease_until < now() returning status")
                .bind(0, maxAttempts)
                .map(row -> JobStatus.fromCode(row.get("status", String.class)))
                .all();
    }

    /** Deletes jobs finished longer than {@code retention} ago. */
    Mono<Long> purge(Duration retention) {
        return database.sql("delete from task_job where finished_at < now() - $1 * interval '1 millisecond'")
                .bind(0, (double) retention.toMillis())
                .fetch().rowsUpdated();
    }

    /** How many jobs are in each status, and the age of the oldest queued one. */
    Mono<QueueStats> stats() {
        return database.sql("select status, count(*) as n, "
                        + "extract(epoch from now() - min(created_at)) * 1000 as oldest_ms "
                        + "from task_job group by status")
                .map(row -> Map.entry(JobStatus.fromCode(row.get("status", String.class)),
                        new long[] {number(row, "n"), number(row, "oldest_ms")}))
                .all()
                .collectList()
                .map(rows -> {
                    Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
                    long oldestQueued = 0;
                    for (JobStatus s : JobStatus.values()) {
                        counts.put(s, 0L);
                    }
                    for (Map.Entry<JobStatus, long[]> row : rows) {
                        if (row.getKey() != null) {
                            counts.put(row.getKey(), row.getValue()[0]);
                            if (row.getKey() == JobStatus.QUEUED) {
                                oldestQueued = row.getValue()[1];
                            }
                        }
                    }
                    return new QueueStats(counts, Duration.ofMillis(oldestQueued));
                });
    }

    private record Cancelled(Job job, boolean wasRunning) {
    }

    static String nextId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "job_" + String.format("%016x%08x", random.nextLong(), random.nextInt());
    }

    private static String prefixed(String alias) {
        return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
    }

    private static Job job(Readable row) {
        return new Job(row.get("id", String.class), row.get("client_id", String.class),
                JobStatus.fromCode(row.get("status", String.class)), integer(row, "priority"),
                row.get("task_type", String.class), instant(row, "created_at"), nullableInstant(row, "started_at"),
                nullableInstant(row, "finished_at"), integer(row, "attempts"), row.get("lease_owner", String.class),
                row.get("result_id", String.class),
                row.get("error", String.class));
    }

    private static Instant instant(Readable row, String column) {
        Instant value = nullableInstant(row, column);
        return value == null ? Instant.EPOCH : value;
    }

    private static @Nullable Instant nullableInstant(Readable row, String column) {
        OffsetDateTime value = row.get(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static int integer(Readable row, String column) {
        Number value = row.get(column, Number.class);
        return value == null ? 0 : value.intValue();
    }

    private static long number(Readable row, String column) {
        Number value = row.get(column, Number.class);
        return value == null ? 0 : value.longValue();
    }

    private static String text(Readable row, String column) {
        Json value = row.get(column, Json.class);
        if (value == null) {
            throw new IllegalStateException("A claimed job has no request");
        }
        return value.asString();
    }

    private static String abbreviate(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) : s;
    }
}
