package dev.switchboard.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A response body that gives its writer, each time it asks, every buffer that came while the last write was in
 * flight, joined into one: one write and one flush for them, not one each.
 *
 * <p>Why: Reactor Netty asks a body for its next item only once the last one was written and flushed (the send
 * prefetch is one, {@code SendPrefetch}), so an SSE body of one buffer an event made one system call an event.
 * The resumable stream batches in its own log; this does the same for the SSE answers that have none
 * ({@link SseResponse#of}: a stream with resuming off, the Anthropic surface's stream, a task's events). The first buffer is never held back: a writer that asked gets it as it comes. While the writer is
 * busy, the source is still read, up to {@code maxBytes} waiting; then it waits too, so a slow client still holds
 * the upstream back.
 */
public final class WaitingBuffers extends Flux<DataBuffer> {

    private final Flux<DataBuffer> source;
    private final DataBufferFactory factory;
    private final int maxBytes;

    private WaitingBuffers(Flux<DataBuffer> source, DataBufferFactory factory, int maxBytes) {
        this.source = source;
        this.factory = factory;
        this.maxBytes = maxBytes;
    }

    /** {@code source}, with the buffers that waited for a write joined (by {@code factory}), at most {@code maxBytes}. */
    public static Flux<DataBuffer> joined(Flux<DataBuffer> source, DataBufferFactory factory, int maxBytes) {
        return new WaitingBuffers(source, factory, maxBytes);
    }

    @Override
    public void subscribe(CoreSubscriber<? super DataBuffer> actual) {
        source.subscribe(new Batcher(actual, factory, maxBytes));
    }

    /** One body's subscriber upstream and subscription downstream; the state under its own lock. */
    private static final class Batcher implements CoreSubscriber<DataBuffer>, Subscription {

        private static final AtomicIntegerFieldUpdater<Batcher> WIP =
                AtomicIntegerFieldUpdater.newUpdater(Batcher.class, "wip");

        private final CoreSubscriber<? super DataBuffer> actual;
        private final DataBufferFactory factory;
        private final int maxBytes;
        private @Nullable Subscription upstream;
        private final ArrayDeque<DataBuffer> waiting = new ArrayDeque<>(2);
        private int waitingBytes;
        private long demand;
        /** One item asked of the source and not delivered yet. */
        private boolean asked;
        private boolean done;
        private @Nullable Throwable error;
        private boolean cancelled;
        private boolean terminated;
        private volatile int wip;

        Batcher(CoreSubscriber<? super DataBuffer> actual, DataBufferFactory factory, int maxBytes) {
            this.actual = actual;
            this.factory = factory;
            this.maxBytes = maxBytes;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
                askSource();
            }
        }

        @Override
        public void onNext(DataBuffer buffer) {
            synchronized (this) {
                asked = false;
                if (cancelled) {
                    DataBufferUtils.release(buffer);
                    return;
                }
                waiting.add(buffer);
                waitingBytes += buffer.readableByteCount();
            }
            drain();
            askSource();
        }

        @Override
        public void onError(Throwable failure) {
            synchronized (this) {
                error = failure;
                done = true;
            }
            drain();
        }

        @Override
        public void onComplete() {
            synchronized (this) {
                done = true;
            }
            drain();
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                synchronized (this) {
                    demand = Operators.addCap(demand, n);
                }
                drain();
            }
        }

        @Override
        public void cancel() {
            List<DataBuffer> dropped;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                dropped = new ArrayList<>(waiting);
                waiting.clear();
                waitingBytes = 0;
            }
            upstream.cancel();
            dropped.forEach(DataBufferUtils::release);
        }

        /** Asks the source for one more unless one is asked for already or enough are waiting. */
        private void askSource() {
            synchronized (this) {
                if (asked || done || cancelled || waitingBytes >= maxBytes) {
                    return;
                }
                asked = true;
            }
            upstream.request(1);
        }

        /** Hands over what waits while the writer has asked, then the end once nothing waits; one caller at a time. */
        private void drain() {
            if (WIP.getAndIncrement(this) != 0) {
                return;
            }
            int missed = 1;
            do {
                while (true) {
                    DataBuffer batch = null;
                    boolean end = false;
                    Throwable failure = null;
                    synchronized (this) {
                        if (cancelled || terminated) {
                            break;
                        }
                        if (demand > 0 && !waiting.isEmpty()) {
                            batch = waiting.size() == 1 ? waiting.poll() : factory.join(List.copyOf(waiting));
                            waiting.clear();
                            waitingBytes = 0;
                            demand--;
                        } else if (waiting.isEmpty() && done) {
                            end = true;
                            terminated = true;
                            failure = error;
                        } else {
                            break;
                        }
                    }
                    if (batch != null) {
                        actual.onNext(batch);
                        askSource();
                    } else if (end) {
                        if (failure != null) {
                            actual.onError(failure);
                        } else {
                            actual.onComplete();
                        }
                        break;
                    }
                }
                missed = WIP.addAndGet(this, -missed);
            } while (missed != 0);
        }
    }
}
