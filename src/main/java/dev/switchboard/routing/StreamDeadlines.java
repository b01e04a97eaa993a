package dev.switchboard.routing;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.RequestProgress;
import dev.switchboard.support.LoopTimers;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * The deadlines of one upstream stream with one timer: the first content ({@link ChatChunk#isContent()})
 * within {@code firstContent}, no more than {@code idle} between two chunks of any kind (keep-alives count),
 * the whole stream within {@code maxStream}, and the first content no later than {@code requestLeft} after
 * subscribing (what is left of the request's deadline). The first one missed fails the stream with a
 * {@link ErrorClass#TIMEOUT} (and cancels the upstream).
 *
 * <p>The first-content and idle deadlines count from when the request went out, as the transport tells
 * ({@link RequestProgress}). While it says the request waits for a connection (the gateway's own queue) only
 * the request's deadline and the stream's cap apply, so a stream that waited gets its whole first-content time
 * from the upstream, and a waiting stream keeps its place in the queue instead of timing out and queueing
 * again at its end (docs/PERFORMANCE.md). A source that tells nothing (a test's) has the deadlines count from
 * subscribing.
 *
 * <p>Why not {@code timeout(...)}: its per-element timeout cancels a scheduled task and schedules a new one
 * for every chunk, two operations on the parallel scheduler's shared delay queue per chunk and several
 * objects per open stream (docs/PERFORMANCE.md). Here an element only notes when it came; the one timer,
 * when it fires, compares that with the deadlines and either fails the stream or sets itself for the next
 * deadline (a lazily re-armed timer, as Netty's idle handlers do). The timer runs on the caller's event loop
 * ({@link LoopTimers}), or on {@link Schedulers#parallel()} off one; the time is the parallel scheduler's, so both
 * follow virtual time in tests.
 *
 * <p>Signals stay serial with one counter: chunks being emitted (recursion included) count it up and down, an
 * end sets it to {@link Watch#DONE}, and the timer fails the stream only by moving it from 0 to {@code DONE}.
 */
final class StreamDeadlines extends FluxOperator<ChatChunk, ChatChunk> {

    private final long idleMillis;
    private final long maxStreamMillis;
    private final long firstContentMillis;
    private final long requestLeftMillis;

    StreamDeadlines(Flux<ChatChunk> source, long idleMillis, long maxStreamMillis, long firstContentMillis,
            long requestLeftMillis) {
        super(source);
        this.idleMillis = idleMillis;
        this.maxStreamMillis = maxStreamMillis;
        this.firstContentMillis = firstContentMillis;
        this.requestLeftMillis = requestLeftMillis;
    }

    @Override
    public void subscribe(CoreSubscriber<? super ChatChunk> actual) {
        source.subscribe(new Watch(actual, this));
    }

    static final class Watch implements CoreSubscriber<ChatChunk>, Subscription, Runnable, RequestProgress.Listener {

        /** The state once the stream ended (completed, failed, cancelled): negative even after increments. */
        private static final int DONE = Integer.MIN_VALUE / 2;

        private static final AtomicIntegerFieldUpdater<Watch> STATE =
                AtomicIntegerFieldUpdater.newUpdater(Watch.class, "state");

        private final CoreSubscriber<? super ChatChunk> actual;
        private final StreamDeadlines deadlines;
        private final Scheduler timers = Schedulers.parallel();
        private final Context context;
        private final long requestDeadline;
        private final long streamDeadline;
        /** When the first content is due: moves when the request goes out, never past the request deadline. */
        private volatile long contentDeadline;
        /** Whether the transport said the request waits for a connection and not yet that it went out. */
        private volatile boolean connecting;
        private @Nullable Subscription upstream;
        /** How many chunks are being emitted now (more than one when emitting recursively), or {@link #DONE}. */
        private volatile int state;
        private volatile long lastElement;
        private volatile boolean contentSeen;
        private volatile @Nullable Disposable timer;

        Watch(CoreSubscriber<? super ChatChunk> actual, StreamDeadlines deadlines) {
            this.actual = actual;
            this.deadlines = deadlines;
            this.context = RequestProgress.listen(actual.currentContext(), this);
            long now = now();
            this.lastElement = now;
            this.requestDeadline = now + deadlines.requestLeftMillis;
            this.contentDeadline = Math.min(requestDeadline, now + deadlines.firstContentMillis);
            this.streamDeadline = now + deadlines.maxStreamMillis;
        }

        /** The time from the timer's own scheduler: no lookup per chunk, and virtual in tests like the timer. */
        private long now() {
            return timers.now(TimeUnit.MILLISECONDS);
        }

        /** The subscriber's context, with this watch told when the upstream request goes out. */
        @Override
        public Context currentContext() {
            return context;
        }

        /**
         * Until the request goes out only the request deadline and the cap count. The timer needs no new setting:
         * set for an earlier deadline, it finds it gone and sets itself for the next.
         */
        @Override
        public void connecting() {
            connecting = true;
        }

        /**
         * The first-content and idle deadlines start now. They may come before the deadline the timer was set for
         * while the request waited, so it is set again.
         */
        @Override
        public void sent() {
            long now = now();
            lastElement = now;
            if (!contentSeen) {
                contentDeadline = Math.min(requestDeadline, now + deadlines.firstContentMillis);
            }
            if (connecting) {
                connecting = false;
                disarm();
                if (state >= 0) {
                    arm(now);
                }
            }
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
                arm(now());
            }
        }

        @Override
        public void onNext(ChatChunk element) {
            lastElement = now();
            if (!contentSeen && element.isContent()) {
                contentSeen = true;
            }
            if (STATE.getAndIncrement(this) < 0) {
                Operators.onNextDropped(element, actual.currentContext());
                return;
            }
            actual.onNext(element);
            STATE.getAndDecrement(this);
        }

        @Override
        public void onError(Throwable error) {
            if (STATE.getAndSet(this, DONE) >= 0) {
                disarm();
                actual.onError(error);
            } else {
                Operators.onErrorDropped(error, actual.currentContext());
            }
        }

        @Override
        public void onComplete() {
            if (STATE.getAndSet(this, DONE) >= 0) {
                disarm();
                actual.onComplete();
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            STATE.getAndSet(this, DONE);
            disarm();
            upstream.cancel();
        }

        /**
         * The timer: fails the stream when a deadline has passed, else sets itself for the next one. It fails the
         * stream only while no chunk is being emitted (so its error never overlaps a chunk); one is then being
         * emitted just now, and the deadlines are looked at again a millisecond later.
         */
        @Override
        public void run() {
            if (state < 0) {
                return;
            }
            long now = now();
            RuntimeException error = missedDeadline(now);
            if (error == null) {
                arm(now);
            } else if (STATE.compareAndSet(this, 0, DONE)) {
                upstream.cancel();
                actual.onError(error);
            } else {
                arm(now);
            }
        }

        private @Nullable RuntimeException missedDeadline(long now) {
            boolean waiting = connecting;
            if (waiting && now >= requestDeadline) {
                return UpstreamException.of(ErrorClass.TIMEOUT, "no upstream connection free within the request deadline");
            }
            if (!waiting && !contentSeen && now >= contentDeadline) {
                return UpstreamException.of(ErrorClass.TIMEOUT, contentDeadline == requestDeadline
                        ? "no content from upstream within the request deadline"
                        : "no content from upstream within " + deadlines.firstContentMillis + " ms");
            }
            if (now >= streamDeadline) {
                return UpstreamException.of(ErrorClass.TIMEOUT, "stream exceeded the maximum duration of "
                        + deadlines.maxStreamMillis / 1000 + " s");
            }
            if (!waiting && now >= lastElement + deadlines.idleMillis) {
                return UpstreamException.of(ErrorClass.TIMEOUT, "upstream sent nothing for "
                        + deadlines.idleMillis + " ms");
            }
            return null;
        }

        /** Sets the timer for the nearest deadline still ahead. */
        private void arm(long now) {
            long next;
            if (connecting) {
                next = Math.min(streamDeadline, requestDeadline);
            } else {
                next = Math.min(streamDeadline, lastElement + deadlines.idleMillis);
                if (!contentSeen) {
                    next = Math.min(next, contentDeadline);
                }
            }
            try {
                timer = LoopTimers.schedule(timers, this, Math.max(1, next - now), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                return;
            }
            if (state < 0) {
                disarm();
            }
        }

        private void disarm() {
            Disposable current = timer;
            if (current != null) {
                current.dispose();
            }
        }
    }
}
