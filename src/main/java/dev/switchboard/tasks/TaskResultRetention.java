package dev.switchboard.tasks;

import dev.switchboard.config.TaskResultProperties;
import dev.switchboard.support.BackgroundJobs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Deletes expired task results: a minute after start, then every {@code sweep-interval}, one non-blocking
 * {@code delete} of the records older than the retention. (Expired records are already invisible to reads;
 * the sweep frees their space.) Does nothing when results are kept for ever.
 */
public final class TaskResultRetention extends BackgroundJobs {

    private static final Logger log = LoggerFactory.getLogger(TaskResultRetention.class);
    private static final Duration FIRST_SWEEP = Duration.ofMinutes(1);

    private final Function<Instant, Mono<Long>> deleteCreatedBefore;
    private final Clock clock;
    private final TaskResultProperties properties;

    public TaskResultRetention(Function<Instant, Mono<Long>> deleteCreatedBefore, Clock clock,
            TaskResultProperties properties) {
        this.deleteCreatedBefore = deleteCreatedBefore;
        this.clock = clock;
        this.properties = properties;
    }

    @Override
    protected void schedule(Disposable.Composite jobs) {
        if (!properties.expires()) {
            return;
        }
        Duration first = properties.sweepInterval().compareTo(FIRST_SWEEP) < 0 ? properties.sweepInterval() : FIRST_SWEEP;
        jobs.add(every(first, properties.sweepInterval(), () -> sweep().onErrorResume(e -> {
            log.warn("Task-result retention sweep failed, will retry: {}", e.toString());
            return Mono.empty();
        })));
    }

    /** Deletes the results older than the retention now; answers how many. */
    public Mono<Long> sweep() {
        if (!properties.expires()) {
            return Mono.just(0L);
        }
        Instant cutoff = clock.instant().minus(properties.retention());
        return deleteCreatedBefore.apply(cutoff).doOnNext(n -> {
            if (n > 0) {
                log.info("Deleted {} task result(s) older than {}", n, properties.retention());
            }
        });
    }
}
