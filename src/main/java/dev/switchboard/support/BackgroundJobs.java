package dev.switchboard.support;

import java.time.Duration;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A component with periodic background jobs (write-behind flushes, re-reads, sweeps) that may write what it
 * still holds once more when it stops. Every such component stops in the same phase: after the web server
 * (which stops at a higher phase, so no request adds work any more) and before the embedded database.
 *
 * <p>Each schedule runs one job at a time; a tick that comes while the previous run is still busy is
 * dropped, never queued. A job must handle its own errors: one that fails ends its schedule.
 */
public abstract class BackgroundJobs implements SmartLifecycle {

    private volatile Disposable.@Nullable Composite running;

    /** A component whose only job is {@code task}, every {@code period}. */
    public static BackgroundJobs periodic(Duration period, Runnable task) {
        return new BackgroundJobs() {
            @Override
            protected void schedule(Disposable.Composite jobs) {
                jobs.add(every(period, () -> Mono.fromRunnable(task)));
            }
        };
    }

    /** Subscribes the jobs, each added to {@code jobs} so that stopping disposes it. */
    protected abstract void schedule(Disposable.Composite jobs);

    /** Written once more after the jobs are disposed; nothing by default. */
    protected Mono<?> finalFlush() {
        return Mono.empty();
    }

    /** How long {@link #finalFlush()} may take before shutdown goes on without it. */
    protected Duration finalFlushTimeout() {
        return Duration.ofSeconds(5);
    }

    /** Called when {@link #finalFlush()} failed or ran out of time; shutdown goes on either way. */
    protected void finalFlushFailed(Throwable error) {
    }

    /** {@code job} every {@code period}, the first run after {@code first}. */
    protected static Disposable every(Duration first, Duration period, Supplier<? extends Publisher<?>> job) {
        return Flux.interval(first, period)
                .onBackpressureDrop()
                .concatMap(tick -> job.get(), 1)
                .subscribe();
    }

    /** {@code job} every {@code period}, the first run after one period. */
    protected static Disposable every(Duration period, Supplier<? extends Publisher<?>> job) {
        return every(period, period, job);
    }

    @Override
    public final void start() {
        Disposable.Composite jobs = Disposables.composite();
        schedule(jobs);
        running = jobs;
    }

    @Override
    public final void stop(Runnable callback) {
        Disposable.Composite jobs = running;
        running = null;
        if (jobs != null) {
            jobs.dispose();
        }
        finalFlush().timeout(finalFlushTimeout())
                .doOnError(this::finalFlushFailed)
                // told to finalFlushFailed above; shutdown goes on either way
                .onErrorResume(e -> Mono.empty())
                .doFinally(signal -> callback.run())
                .subscribe();
    }

    @Override
    public final void stop() {
        stop(() -> { });
    }

    @Override
    public final boolean isRunning() {
        return running != null;
    }

    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }
}
