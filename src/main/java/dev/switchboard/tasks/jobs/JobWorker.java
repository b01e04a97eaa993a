package dev.switchboard.tasks.jobs;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.config.JobProperties;
import dev.switchboard.database.OutageNotice;
import dev.switchboard.support.BackgroundJobs;
import dev.switchboard.tasks.TaskJob;
import dev.switchboard.tasks.TaskRecord;
import dev.switchboard.tasks.TaskRunner;
import dev.switchboard.tasks.templates.TaskCatalog;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * This instance's share of the job queue. Up to {@code concurrency} jobs run at once; a worker looks for
 * work when woken (a {@code NOTIFY} from any instance on a new or retaken job, or one of its own jobs
 * ending) and every {@code poll-interval} in case a notification was lost. While a job runs its lease is
 * renewed; a job whose lease this instance lost (the database says it is no longer ours, or it was
 * cancelled) is stopped at once, its upstream call cancelled with it. Leases that ran out anywhere are
 * swept back into the queue by whichever instance sees them first.
 *
 * <p>At shutdown the jobs still running are stopped and put back in the queue (not counted as attempts),
 * so another instance, or this one after its restart, runs them.
 */
public final class JobWorker extends BackgroundJobs {

    private static final Logger log = LoggerFactory.getLogger(JobWorker.class);

    private final JobQueue queue;
    private final TaskRunner runner;
    private final TaskCatalog catalog;
    private final ConnectionFactory connections;
    private final JobMetrics metrics;
    private final JobProperties properties;
    private final String owner = "worker-" + UUID.randomUUID();
    private final Map<String, Disposable.Swap> active = new ConcurrentHashMap<>();
    private volatile Sinks.Many<Boolean> wakeups = Sinks.many().unicast().onBackpressureBuffer();
    private final OutageNotice claims = new OutageNotice();
    private final OutageNotice sweeps = new OutageNotice();
    private volatile boolean stopping;

    public JobWorker(JobQueue queue, TaskRunner runner, TaskCatalog catalog, ConnectionFactory connections,
            JobMetrics metrics, JobProperties properties) {
        this.queue = queue;
        this.runner = runner;
        this.catalog = catalog;
        this.connections = connections;
        this.metrics = metrics;
        this.properties = properties;
    }

    /** This instance's worker id, as jobs show it ({@code worker}). */
    public String id() {
        return owner;
    }

    /** Jobs this instance runs right now. */
    public int running() {
        return active.size();
    }

    @Override
    protected void schedule(Disposable.Composite jobs) {
        stopping = false;
        wakeups = Sinks.many().unicast().onBackpressureBuffer();
        jobs.add(notifications().subscribe(this::onNotification));
        if (properties.concurrency() > 0) {
            jobs.add(Flux.merge(wakeups.asFlux(), Flux.interval(Duration.ZERO, properties.pollInterval()).map(t -> true))
                    .onBackpressureLatest()
                    .concatMap(wake -> claimWhatFits(), 1)
                    .subscribe());
            jobs.add(every(properties.renewEvery(), this::renewLeases));
        }
        jobs.add(every(Duration.ZERO, properties.pollInterval(), this::sweepExpiredLeases));
        jobs.add(every(properties.pollInterval(), () -> queue.stats().doOnNext(metrics::observed)
                .onErrorResume(e -> Mono.empty())));
        jobs.add(every(Duration.ofMinutes(1), Duration.ofMinutes(10), () -> queue.purge(properties.retention())
                .doOnNext(deleted -> {
                    if (deleted > 0) {
                        log.info("Deleted {} job(s) finished more than {} ago", deleted, properties.retention());
                    }
                })
                .onErrorResume(e -> Mono.empty())));
    }

    @Override
    protected Mono<?> finalFlush() {
        stopping = true;
        active.values().forEach(Disposable::dispose);
        return queue.release(owner).doOnNext(released -> {
            if (released > 0) {
                log.info("Put {} running job(s) back in the queue for another instance", released);
            }
        });
    }

    private Flux<String> notifications() {
        return JobQueue.CHANNEL.listen(connections)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(10))
                        .doBeforeRetry(signal -> log.warn("Job listener lost its connection, reconnecting: {}",
                                signal.failure().toString())));
    }

    private void onNotification(String payload) {
        if (payload.startsWith(JobQueue.CANCEL)) {
            Disposable run = active.get(payload.substring(JobQueue.CANCEL.length()));
            if (run != null) {
                log.info("Job {} was cancelled; stopping it", payload.substring(JobQueue.CANCEL.length()));
                run.dispose();
            }
        } else {
            wake();
        }
    }

    private void wake() {
        wakeups.tryEmitNext(Boolean.TRUE);
    }

    /** Claims as many jobs as there are free places, and starts each. */
    private Mono<Void> claimWhatFits() {
        int free = properties.concurrency() - active.size();
        if (free <= 0 || stopping) {
            return Mono.empty();
        }
        return queue.claim(owner, free, properties.lease())
                .doOnNext(this::start)
                .then()
                .doOnSuccess(done -> {
                    if (claims.recovers()) {
                        log.info("Claiming jobs from PostgreSQL works again");
                    }
                })
                .onErrorResume(e -> {
                    if (claims.startsFailing()) {
                        log.warn("Could not claim jobs (queued jobs wait; trying again every {}): {}",
                                properties.pollInterval(), e.toString());
                    }
                    return Mono.empty();
                });
    }

    private void start(ClaimedJob claimed) {
        Disposable.Swap slot = Disposables.swap();
        active.put(claimed.id(), slot);
        long startNanos = System.nanoTime();
        metrics.started();
        JobStatus[] outcome = {JobStatus.CANCELLED};
        slot.update(run(claimed, outcome)
                .doFinally(signal -> {
                    active.remove(claimed.id(), slot);
                    metrics.ended(outcome[0], System.nanoTime() - startNanos);
                    if (!stopping) {
                        wake();
                    }
                })
                .subscribe());
    }

    /**
     * One start of a job, from the task run to the row that records how it ended.
     *
     * @param outcome set to the recorded end (it stays cancelled when the run was stopped or was no longer ours)
     */
    private Mono<Void> run(ClaimedJob claimed, JobStatus[] outcome) {
        return Mono.defer(() -> runner.process(taskOf(claimed)))
                .timeout(properties.timeLimit())
                .flatMap(record -> finish(claimed, record, outcome))
                .onErrorResume(JobWorker::refusedByClientLimits, e -> {
                    outcome[0] = JobStatus.QUEUED;
                    return postpone(claimed, (GatewayException) e);
                })
                .onErrorResume(e -> queue.finish(owner, claimed, JobStatus.FAILED, null, reason(e))
                        .doOnNext(kept -> outcome[0] = kept ? JobStatus.FAILED : JobStatus.CANCELLED))
                .doOnNext(kept -> {
                    if (!kept) {
                        log.info("Job {} was cancelled or taken by another worker while it ran; its outcome is "
                                + "not recorded", claimed.id());
                    }
                })
                .onErrorResume(e -> {
                    // the database is away: the lease runs out and the job is taken again
                    log.warn("Could not record the end of job {} (it will be taken again): {}", claimed.id(),
                            e.toString());
                    return Mono.empty();
                })
                .then();
    }

    private TaskJob taskOf(ClaimedJob claimed) {
        JobRequest request = claimed.request();
        return request.toTaskJob(claimed.requestId(), catalog.require(request.taskType()), claimed.clientId(),
                System.nanoTime());
    }

    private Mono<Boolean> finish(ClaimedJob claimed, TaskRecord record, JobStatus[] outcome) {
        JobStatus status = record.success() ? JobStatus.SUCCEEDED : JobStatus.FAILED;
        return queue.finish(owner, claimed, status, record.id(), record.success() ? null : record.errorMessage())
                .doOnNext(kept -> outcome[0] = kept ? status : JobStatus.CANCELLED);
    }

    private Mono<Boolean> postpone(ClaimedJob claimed, GatewayException refusal) {
        Duration delay = refusal.retryAfter() == null ? Duration.ofSeconds(1) : refusal.retryAfter();
        log.debug("Job {} waits {} for its client's limits", claimed.id(), delay);
        return queue.postpone(owner, claimed, delay);
    }

    /** A client over its own limits (a 429 before any provider was asked): the job waits, it does not fail. */
    private static boolean refusedByClientLimits(Throwable error) {
        return error instanceof GatewayException refusal && refusal.status() == 429;
    }

    private String reason(Throwable error) {
        if (error instanceof TimeoutException) {
            return "The job ran longer than its time limit (" + properties.timeLimit() + ") and was stopped.";
        }
        if (error instanceof GatewayException refusal) {
            return refusal.code() + ": " + refusal.getMessage();
        }
        return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    }

    /** Renews every lease this instance holds; a job whose lease it no longer holds is stopped. */
    private Mono<Void> renewLeases() {
        List<String> mine = List.copyOf(active.keySet());
        if (mine.isEmpty()) {
            return Mono.empty();
        }
        return queue.renew(owner, mine, properties.lease())
                .collect(HashSet<String>::new, Set::add)
                .doOnNext(kept -> {
                    for (String id : mine) {
                        Disposable run = active.get(id);
                        if (!kept.contains(id) && run != null) {
                            log.warn("Job {} is no longer this instance's (cancelled, or its lease ran out); "
                                    + "stopping it", id);
                            run.dispose();
                        }
                    }
                })
                .then()
                .onErrorResume(e -> {
                    log.warn("Could not renew job leases: {}", e.toString());
                    return Mono.empty();
                });
    }

    private Mono<Void> sweepExpiredLeases() {
        return queue.sweepExpired(properties.maxAttempts())
                .collectList()
                .flatMap(swept -> {
                    long retaken = swept.stream().filter(s -> s == JobStatus.QUEUED).count();
                    metrics.swept(retaken, swept.size() - retaken);
                    if (retaken > 0) {
                        log.warn("{} job(s) whose worker stopped renewing its lease are queued again", retaken);
                        return JobQueue.CHANNEL.notify(queue.database(), JobQueue.WAKE);
                    }
                    return Mono.empty();
                })
                .doOnSuccess(done -> {
                    if (sweeps.recovers()) {
                        log.info("Sweeping job leases works again");
                    }
                })
                .onErrorResume(e -> {
                    if (sweeps.startsFailing()) {
                        log.warn("Could not sweep expired job leases: {}", e.toString());
                    }
                    return Mono.empty();
                });
    }
}
