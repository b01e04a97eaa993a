package dev.switchboard.routing;

import dev.switchboard.chat.MidStreamException;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.providers.ChatChunk;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A stream once its first content has arrived: {@link StreamEvent.Committed} first, then each chunk the
 * tally keeps as its event, then the {@link StreamEvent.Done} the edges book; a failure becomes what the
 * edges make of it (a {@link MidStreamException} passes as it is), and a client that cancels is booked too.
 *
 * <p>One object is the publisher, the subscriber of the chunks and the subscription of the client, for the
 * life of the stream. It replaces {@code concat(committed, chunks.filter.map, done).onErrorMap.doOnCancel}:
 * those kept eight operators and five lambdas for every open stream (about 500 B) and passed each chunk
 * through four of them (docs/PERFORMANCE.md). It can be subscribed once (each attempt makes its own).
 *
 * <p>Demand: {@code Committed} takes the first unit the client asks for; the chunks are subscribed only
 * after it was emitted (as {@code concat} did, so nothing from the upstream can overtake it), and every
 * later unit goes upstream as it is asked for. A chunk the tally drops is replaced by asking the upstream
 * for one more. {@code Done} waits for a unit of its own. The edge elements ({@code Committed}, {@code Done})
 * are emitted in a drain loop guarded by a work counter, because {@code request} may come from any thread;
 * chunks and errors go straight through, since the upstream signals them one at a time and only after
 * {@code Committed}, and {@code Done} is emitted only after the upstream completed.
 */
final class CommittedStream extends Flux<StreamEvent> implements CoreSubscriber<ChatChunk>, Subscription, Scannable {

    /** What the gateway books at a committed stream's edges ({@link FallbackChain}). */
    interface Edges {

        /** The first content is being delivered: book it and announce the route. */
        StreamEvent.Committed committed(RequestRun run, Candidate candidate, long start);

        /** The upstream ended well: book the request's success. */
        StreamEvent done(RequestRun run, Candidate candidate, long start, StreamTally tally);

        /** The upstream failed after the commit: book it; the error the client gets. */
        Throwable failed(RequestRun run, Candidate candidate, long start, StreamTally tally, Throwable error);

        /** The client cancelled before the end: book what was delivered. */
        void cancelled(RequestRun run, Candidate candidate, long start, StreamTally tally);
    }

    /** Inside the client's {@code onSubscribe}: demand is recorded, nothing is emitted yet. */
    private static final int ATTACHING = 0;
    private static final int NEW = 1;
    private static final int SUBSCRIBING = 2;
    private static final int STREAMING = 3;
    private static final int COMPLETED = 4;
    private static final int TERMINATED = 5;
    private static final int CANCELLED = 6;

    private static final AtomicLongFieldUpdater<CommittedStream> REQUESTED =
            AtomicLongFieldUpdater.newUpdater(CommittedStream.class, "requested");
    private static final AtomicLongFieldUpdater<CommittedStream> UNFORWARDED =
            AtomicLongFieldUpdater.newUpdater(CommittedStream.class, "unforwarded");
    private static final AtomicIntegerFieldUpdater<CommittedStream> WIP =
            AtomicIntegerFieldUpdater.newUpdater(CommittedStream.class, "wip");
    private static final AtomicIntegerFieldUpdater<CommittedStream> STATE =
            AtomicIntegerFieldUpdater.newUpdater(CommittedStream.class, "state");

    private final Flux<ChatChunk> chunks;
    private final Edges edges;
    private final RequestRun run;
    private final Candidate candidate;
    private final long start;
    private final StreamTally tally;
    private @Nullable CoreSubscriber<? super StreamEvent> actual;
    private @Nullable Subscription upstream;
    private @Nullable StreamEvent done;
    /** What the client asked for and has not received yet. */
    private volatile long requested;
    /** What the client asked for that has not been asked of the upstream yet. */
    private volatile long unforwarded;
    private volatile int wip;
    private volatile int state;

    CommittedStream(Flux<ChatChunk> chunks, Edges edges, RequestRun run, Candidate candidate, long start,
            StreamTally tally) {
        this.chunks = chunks;
        this.edges = edges;
        this.run = run;
        this.candidate = candidate;
        this.start = start;
        this.tally = tally;
    }

    @Override
    public void subscribe(CoreSubscriber<? super StreamEvent> subscriber) {
        if (actual != null) {
            Operators.error(subscriber, new IllegalStateException("a committed stream can be subscribed only once"));
            return;
        }
        actual = subscriber;
        subscriber.onSubscribe(this);
        // emitted only once onSubscribe has returned (as concat subscribes its first source): an operator in
        // front, switchOnFirst among them, counts its outbound as subscribed only then, and a cancel that came
        // sooner would not reach this stream
        if (STATE.compareAndSet(this, ATTACHING, NEW)) {
            drain();
        }
    }

    // the client's side

    @Override
    public void request(long n) {
        if (!Operators.validate(n)) {
            return;
        }
        Operators.addCap(REQUESTED, this, n);
        Operators.addCap(UNFORWARDED, this, n);
        if (state == STREAMING) {
            forward();
        } else {
            drain();
        }
    }

    @Override
    public void cancel() {
        int was;
        do {
            was = state;
            if (was == CANCELLED || was == TERMINATED) {
                return;
            }
        } while (!STATE.compareAndSet(this, was, CANCELLED));
        Subscription chunksSubscription = upstream;
        if (chunksSubscription != null) {
            chunksSubscription.cancel();
        }
        if (was != COMPLETED) {
            // a stream whose upstream had completed is booked as done already
            edges.cancelled(run, candidate, start, tally);
        }
    }

    // the upstream's side

    @Override
    public void onSubscribe(Subscription subscription) {
        if (!Operators.validate(upstream, subscription)) {
            return;
        }
        upstream = subscription;
        if (!STATE.compareAndSet(this, SUBSCRIBING, STREAMING)) {
            subscription.cancel(); // the client cancelled meanwhile
            return;
        }
        forward();
    }

    @Override
    public void onNext(ChatChunk chunk) {
        int now = state;
        if (now != STREAMING) {
            if (now != CANCELLED) {
                Operators.onNextDropped(chunk, currentContext());
            }
            return;
        }
        if (!tally.accept(chunk)) {
            Subscription chunksSubscription = upstream;
            if (chunksSubscription != null) {
                chunksSubscription.request(1);
            }
            return;
        }
        Operators.produced(REQUESTED, this, 1);
        client().onNext(StreamTally.event(chunk));
    }

    @Override
    public void onError(Throwable error) {
        if (state == CANCELLED) {
            return; // the client is gone; what the cancel made the upstream say is nobody's business
        }
        if (!STATE.compareAndSet(this, STREAMING, TERMINATED)) {
            Operators.onErrorDropped(error, currentContext());
            return;
        }
        client().onError(error instanceof MidStreamException ? error
                : edges.failed(run, candidate, start, tally, error));
    }

    @Override
    public void onComplete() {
        if (state != STREAMING) {
            return;
        }
        done = edges.done(run, candidate, start, tally);
        if (STATE.compareAndSet(this, STREAMING, COMPLETED)) {
            drain();
        }
    }

    @Override
    public Context currentContext() {
        CoreSubscriber<? super StreamEvent> subscriber = actual;
        return subscriber == null ? Context.empty() : subscriber.currentContext();
    }

    /** Asks the upstream for what the client asked for and the upstream was not asked yet. */
    private void forward() {
        Subscription chunksSubscription = upstream;
        if (chunksSubscription == null) {
            return;
        }
        long n = UNFORWARDED.getAndSet(this, 0);
        if (n > 0) {
            chunksSubscription.request(n);
        }
    }

    /**
     * Emits the edge elements the state and demand allow: {@code Committed} (then subscribes the chunks),
     * and {@code Done} with the completion. One thread at a time; a caller that finds it busy leaves its
     * work to the one in it.
     */
    private void drain() {
        if (WIP.getAndIncrement(this) != 0) {
            return;
        }
        int missed = 1;
        do {
            int now = state;
            if (now == NEW && requested > 0 && STATE.compareAndSet(this, NEW, SUBSCRIBING)) {
                Operators.produced(REQUESTED, this, 1);
                Operators.produced(UNFORWARDED, this, 1);
                client().onNext(edges.committed(run, candidate, start));
                if (state == SUBSCRIBING) {
                    chunks.subscribe(this);
                }
            } else if (now == COMPLETED && requested > 0 && STATE.compareAndSet(this, COMPLETED, TERMINATED)) {
                CoreSubscriber<? super StreamEvent> client = client();
                StreamEvent last = done;
                done = null;
                if (last != null) {
                    client.onNext(last);
                }
                client.onComplete();
            }
            missed = WIP.addAndGet(this, -missed);
        } while (missed != 0);
    }

    private CoreSubscriber<? super StreamEvent> client() {
        CoreSubscriber<? super StreamEvent> subscriber = actual;
        if (subscriber == null) {
            throw new IllegalStateException("not subscribed");
        }
        return subscriber;
    }

    @Override
    public @Nullable Object scanUnsafe(Attr key) {
        if (key == Attr.PARENT) {
            return upstream;
        }
        if (key == Attr.ACTUAL) {
            return actual;
        }
        if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
            return requested;
        }
        if (key == Attr.TERMINATED) {
            return state == TERMINATED;
        }
        if (key == Attr.CANCELLED) {
            return state == CANCELLED;
        }
        if (key == Attr.RUN_STYLE) {
            return Attr.RunStyle.SYNC;
        }
        return null;
    }
}
