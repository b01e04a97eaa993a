package dev.switchboard.support;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Timers on the Netty event loop the caller runs on, and on {@link Schedulers#parallel()} anywhere else.
 *
 * <p>Why: a request's timers (the request deadline, a stream's deadlines, the hedge delay, a resumable stream's
 * grace) were all on the parallel scheduler. Its one delay queue is shared by every thread behind a lock, holds
 * every pending timer of the instance (thousands while finished resumable streams keep their replay window), and
 * a timer that becomes the earliest one wakes a parallel thread: in a profile of 100 concurrent streams, adding
 * and removing timers cost about 12 µs a stream on the event loops and the wake-ups 17–23 µs on the parallel
 * threads (docs/PERFORMANCE.md). An event loop keeps its own timer queue, touched only by that loop without a
 * lock, and it checks it between its reads anyway, so nobody has to be woken. The request runs on that loop
 * already (its upstream connection too: {@code EventLoopLocalConnector}), so the timer fires where its work is.
 *
 * <p>Off a loop (a test's main thread, a database callback) it is the parallel scheduler of that moment, so
 * {@code StepVerifier.withVirtualTime} still drives the timers of code it runs. A timer cancelled from another
 * thread is removed by its loop later, as Netty does for every cross-thread cancellation.
 */
public final class LoopTimers implements Scheduler {

    private static final LoopTimers INSTANCE = new LoopTimers();

    private LoopTimers() {
    }

    /** The scheduler for operators that take one ({@code Mono.delay}, {@code timeout}). */
    public static Scheduler scheduler() {
        return INSTANCE;
    }

    /** Runs {@code task} after {@code delay} on the caller's event loop, or on {@code fallback} off a loop. */
    public static Disposable schedule(Scheduler fallback, Runnable task, long delay, TimeUnit unit) {
        EventExecutor loop = currentLoop();
        return loop == null ? fallback.schedule(task, delay, unit) : new LoopTimer(loop.schedule(task, delay, unit));
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        return schedule(Schedulers.parallel(), task, delay, unit);
    }

    @Override
    public Disposable schedule(Runnable task) {
        EventExecutor loop = currentLoop();
        return loop == null ? Schedulers.parallel().schedule(task) : new LoopTimer(loop.submit(task));
    }

    /** A worker is a parallel one: the operators this scheduler is for schedule single tasks, not workers. */
    @Override
    public Worker createWorker() {
        return Schedulers.parallel().createWorker();
    }

    /** The parallel scheduler's time: the system's, or a test's virtual time. */
    @Override
    public long now(TimeUnit unit) {
        return Schedulers.parallel().now(unit);
    }

    /** Shared, like the parallel scheduler it falls back on: disposing it does nothing. */
    @Override
    public void dispose() {
    }

    @Override
    public void init() {
    }

    private static @Nullable EventExecutor currentLoop() {
        EventExecutor executor = ThreadExecutorMap.currentExecutor();
        return executor != null && executor.inEventLoop() && !executor.isShuttingDown() ? executor : null;
    }

    private record LoopTimer(Future<?> future) implements Disposable {

        @Override
        public void dispose() {
            future.cancel(false);
        }

        @Override
        public boolean isDisposed() {
            return future.isDone();
        }
    }
}
