package dev.switchboard.support;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * {@code concatMapIterable(mapper, 1)} for a mapper that returns a {@link List}: each element of the source is
 * mapped to a list whose elements are emitted in order, and the next source element is requested once the
 * list has been emitted whole. Errors and cancellation behave as Reactor's operator: an error ends the stream
 * at once (what is left of the list is discarded, as on cancel).
 *
 * <p>Why not Reactor's: on a stream's path every chunk passes it, and Reactor's flattening goes through a
 * one-element queue, a {@link java.util.Spliterator} over the list and the asynchronous drain loop for every
 * element (about 0.6 µs a chunk of the gateway's event loops for each of the three on a stream's path,
 * docs/PERFORMANCE.md). Here a list is read by index, and an element is emitted straight from {@code onNext}
 * whenever the subscriber has asked for it. No fusion either way; a list is never held past its elements.
 *
 * @param <T> the source's elements
 * @param <R> the elements of the lists they map to
 */
public final class FlattenLists<T, R> extends FluxOperator<T, R> {

    private final Function<? super T, ? extends List<? extends R>> mapper;

    private FlattenLists(Flux<? extends T> source, Function<? super T, ? extends List<? extends R>> mapper) {
        super(source);
        this.mapper = mapper;
    }

    /** The elements of the lists {@code mapper} makes of {@code source}'s elements, list after list. */
    public static <T, R> Flux<R> of(Flux<? extends T> source, Function<? super T, ? extends List<? extends R>> mapper) {
        return new FlattenLists<>(source, mapper);
    }

    @Override
    public void subscribe(CoreSubscriber<? super R> actual) {
        source.subscribe(new Flattener<>(actual, mapper));
    }

    /**
     * One subscription. The list being emitted ({@link #current}, {@link #index}) is touched only by whoever
     * holds the drain ({@link #wip}); {@code onNext} hands a new list over in {@link #next}. There is at most
     * one: the source is asked for its next element only once the current list has been emitted.
     */
    static final class Flattener<T, R> implements CoreSubscriber<T>, Subscription {

        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Flattener> WIP =
                AtomicIntegerFieldUpdater.newUpdater(Flattener.class, "wip");
        @SuppressWarnings("rawtypes")
        private static final AtomicLongFieldUpdater<Flattener> REQUESTED =
                AtomicLongFieldUpdater.newUpdater(Flattener.class, "requested");

        private final CoreSubscriber<? super R> actual;
        private final Function<? super T, ? extends List<? extends R>> mapper;
        private @Nullable Subscription upstream;
        private volatile int wip;
        private volatile long requested;
        private volatile @Nullable List<? extends R> next;
        private volatile boolean done;
        private volatile boolean cancelled;
        private @Nullable Throwable error;
        private @Nullable List<? extends R> current;
        private int index;

        Flattener(CoreSubscriber<? super R> actual, Function<? super T, ? extends List<? extends R>> mapper) {
            this.actual = actual;
            this.mapper = mapper;
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
                s.request(1);
            }
        }

        @Override
        public void onNext(T element) {
            if (done) {
                Operators.onNextDropped(element, actual.currentContext());
                return;
            }
            List<? extends R> list;
            try {
                list = Objects.requireNonNull(mapper.apply(element), "The mapper returned a null List");
            } catch (Throwable e) {
                Throwable failure = Operators.onOperatorError(upstream, e, element, actual.currentContext());
                Operators.onDiscard(element, actual.currentContext());
                onError(failure);
                return;
            }
            next = list;
            drain();
        }

        @Override
        public void onError(Throwable failure) {
            if (done) {
                Operators.onErrorDropped(failure, actual.currentContext());
                return;
            }
            error = failure;
            done = true;
            drain();
        }

        @Override
        public void onComplete() {
            if (done) {
                return;
            }
            done = true;
            drain();
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                Operators.addCap(REQUESTED, this, n);
                drain();
            }
        }

        @Override
        public void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            upstream.cancel();
            drain();
        }

        private void drain() {
            if (WIP.getAndIncrement(this) != 0) {
                return;
            }
            int missed = 1;
            do {
                if (emit()) {
                    return;
                }
                missed = WIP.addAndGet(this, -missed);
            } while (missed != 0);
        }

        /** Emits what it can; true once the stream has ended here (terminated or cancelled). */
        private boolean emit() {
            long wanted = requested;
            long emitted = 0;
            for (;;) {
                if (cancelled) {
                    discardRest();
                    return true;
                }
                boolean ended = done;
                if (ended && error != null) {
                    discardRest();
                    actual.onError(error);
                    return true;
                }
                List<? extends R> list = current;
                if (list == null) {
                    list = next;
                    if (list == null) {
                        if (ended) {
                            actual.onComplete();
                            return true;
                        }
                        break;
                    }
                    next = null;
                    current = list;
                    index = 0;
                }
                if (index == list.size()) {
                    current = null;
                    if (!done) {
                        upstream.request(1);
                    }
                    continue;
                }
                if (emitted == wanted) {
                    wanted = requested;
                    if (emitted == wanted) {
                        break;
                    }
                }
                R element = list.get(index++);
                if (element == null) {
                    upstream.cancel();
                    cancelled = true;
                    actual.onError(Operators.onOperatorError(new NullPointerException("The list held a null element"),
                            actual.currentContext()));
                    discardRest();
                    return true;
                }
                actual.onNext(element);
                emitted++;
            }
            if (emitted != 0 && wanted != Long.MAX_VALUE) {
                REQUESTED.addAndGet(this, -emitted);
            }
            return false;
        }

        /** Discards what is left of the current and the handed-over list (buffers are released so). */
        private void discardRest() {
            Context context = actual.currentContext();
            List<? extends R> list = current;
            if (list != null) {
                for (int i = index; i < list.size(); i++) {
                    Operators.onDiscard(list.get(i), context);
                }
                current = null;
            }
            List<? extends R> pending = next;
            if (pending != null) {
                next = null;
                for (R element : pending) {
                    Operators.onDiscard(element, context);
                }
            }
        }
    }
}
