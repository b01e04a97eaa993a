package dev.switchboard.support;

import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * {@code concatMapIterable(mapper, 8)} for a mapper that returns a {@link List}: each element of the source is
 * mapped to a list whose elements are emitted in order. Errors and cancellation behave as Reactor's operator:
 * an error ends the stream at once, and what is left of the lists is discarded (as on cancel).
 *
 * <p>Why not Reactor's: on a stream's path every chunk passes it, and Reactor's flattening goes through a
 * queue, a {@link java.util.Spliterator} over the list and the asynchronous drain loop for every element
 * (docs/PERFORMANCE.md). Here a list is read by index and emitted straight from {@code onNext} whenever the
 * subscriber has asked for it; the source is asked for {@value #PREFETCH} elements (or the prefetch given)
 * and then for three quarters of that each time as many lists were emitted, so a request does not travel up
 * the stream's operators for every chunk (with a prefetch of 1 it did, about a tenth of a chunk's CPU). The
 * queue that holds lists the subscriber has not asked for yet is made only when a second one waits: a stream
 * whose client keeps up never has one. The mapper runs when an element arrives, not when its list is emitted.
 *
 * <p>With an {@link Ending} it also does what {@code takeUntilOther}, {@code onErrorMap} and {@code concatWith}
 * did after it on an upstream body's path, without their three subscribers on every chunk: the source can be
 * ended early (as if it completed), its error replaced, and a last list emitted after it. With a recovery it
 * also does what an {@code onErrorResume} to one last element did after it on a surface's frames.
 *
 * @param <T> the source's elements
 * @param <R> the elements of the lists they map to
 */
public final class FlattenLists<T, R> extends FluxOperator<T, R> {

    /** What the source is asked for at first, unless told otherwise: its lists may wait in the queue. */
    static final int PREFETCH = 8;

    private final Function<? super T, ? extends List<? extends R>> mapper;
    private final @Nullable Ending<R> ending;
    private final @Nullable Recovery<R> recovery;
    private final int prefetch;

    private FlattenLists(Flux<? extends T> source, Function<? super T, ? extends List<? extends R>> mapper,
            @Nullable Ending<R> ending, @Nullable Recovery<R> recovery, int prefetch) {
        super(source);
        this.mapper = mapper;
        this.ending = ending;
        this.recovery = recovery;
        this.prefetch = prefetch;
    }

    /** The elements of the lists {@code mapper} makes of {@code source}'s elements, list after list. */
    public static <T, R> Flux<R> of(Flux<? extends T> source, Function<? super T, ? extends List<? extends R>> mapper) {
        return new FlattenLists<>(source, mapper, null, null, PREFETCH);
    }

    /**
     * The same, asking the source for {@code prefetch} elements ahead (at least 4): fewer requests up the
     * source's operators, up to that many mapped lists held while the subscriber does not ask.
     */
    public static <T, R> Flux<R> of(Flux<? extends T> source, Function<? super T, ? extends List<? extends R>> mapper,
            int prefetch) {
        return new FlattenLists<>(source, mapper, null, null, checked(prefetch));
    }

    /**
     * The same, with the source's failures of {@code type} turned into one last element and completion, as
     * {@code onErrorResume(type, e -> Mono.just(last.apply(e)))} after it would, without its subscriber on every
     * element: what is left of the lists is discarded first, as on any error. Other failures end the stream.
     */
    public static <T, R, E extends Throwable> Flux<R> of(Flux<? extends T> source,
            Function<? super T, ? extends List<? extends R>> mapper, int prefetch, Class<E> type,
            Function<? super E, ? extends R> last) {
        Recovery<R> recovery = error -> type.isInstance(error) ? List.of(last.apply(type.cast(error))) : null;
        return new FlattenLists<>(source, mapper, null, recovery, checked(prefetch));
    }

    private static int checked(int prefetch) {
        if (prefetch < 4) {
            throw new IllegalArgumentException("prefetch below 4: " + prefetch);
        }
        return prefetch;
    }

    /**
     * The same, ended as {@code ending} says. An ending belongs to one subscription: subscribe the result
     * once (make it in a {@code defer}).
     */
    public static <T, R> Flux<R> of(Flux<? extends T> source, Function<? super T, ? extends List<? extends R>> mapper,
            Ending<R> ending) {
        return new FlattenLists<>(source, mapper, ending, null, PREFETCH);
    }

    @Override
    public void subscribe(CoreSubscriber<? super R> actual) {
        source.subscribe(new Flattener<>(actual, mapper, ending, recovery, prefetch));
    }

    /** What a failure of the source is emitted as instead (then the stream completes), or null to fail with it. */
    @FunctionalInterface
    interface Recovery<R> {
        @Nullable List<? extends R> instead(Throwable error);
    }

    /** How a flattened stream ends ({@link #of(Flux, Function, Ending)}). */
    public interface Ending<R> {

        /**
         * Given when the subscription starts, before any element: running {@code endSource} ends the source
         * early, as if it had completed (its subscription is cancelled, what was mapped is still emitted, then
         * {@link #afterSource}). Any thread, any number of times.
         */
        void attached(Runnable endSource);

        /** What is emitted after the source completed or was ended; throwing fails the stream with that instead. */
        List<? extends R> afterSource();

        /** What the stream fails with when the source fails with {@code error}. */
        Throwable sourceFailed(Throwable error);

        /** The stream ended, however it ended (completed, failed, cancelled); once. */
        void ended();
    }

    /**
     * One subscription. The list being emitted ({@link #current}, {@link #index}) is touched only by whoever
     * holds the drain ({@link #wip}). {@code onNext} hands a list over in {@link #next}, or, once a list found
     * {@code next} taken, in the {@link #queue} from then on; {@code next} is so always older than the queue.
     */
    static final class Flattener<T, R> implements CoreSubscriber<T>, Subscription {

        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Flattener> WIP =
                AtomicIntegerFieldUpdater.newUpdater(Flattener.class, "wip");
        @SuppressWarnings("rawtypes")
        private static final AtomicLongFieldUpdater<Flattener> REQUESTED =
                AtomicLongFieldUpdater.newUpdater(Flattener.class, "requested");

        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Flattener> ENDED =
                AtomicIntegerFieldUpdater.newUpdater(Flattener.class, "ended");

        private final CoreSubscriber<? super R> actual;
        private final Function<? super T, ? extends List<? extends R>> mapper;
        private final @Nullable Ending<R> ending;
        private final @Nullable Recovery<R> recovery;
        private final int prefetch;
        /** How many emitted lists make the next request: three quarters of the prefetch, as Reactor's. */
        private final int limit;
        private @Nullable Subscription upstream;
        private volatile int wip;
        private volatile long requested;
        private volatile @Nullable List<? extends R> next;
        private volatile @Nullable Queue<List<? extends R>> queue;
        private volatile boolean done;
        /** The source was ended early ({@link Ending#attached}): it counts as completed, whatever it says after. */
        private volatile boolean stopped;
        /** 1 once {@link Ending#ended} was called. */
        private volatile int ended;
        /** Whether {@link Ending#afterSource} was emitted; drain only. */
        private boolean tailTaken;
        /** Set by the subscriber's cancel, and by the end of the stream here (then a cancel has nothing to do). */
        private volatile boolean cancelled;
        private @Nullable Throwable error;
        private @Nullable List<? extends R> current;
        private int index;
        /** Lists emitted since the last request to the source; drain only. */
        private int consumed;

        Flattener(CoreSubscriber<? super R> actual, Function<? super T, ? extends List<? extends R>> mapper,
                @Nullable Ending<R> ending, @Nullable Recovery<R> recovery, int prefetch) {
            this.actual = actual;
            this.mapper = mapper;
            this.ending = ending;
            this.recovery = recovery;
            this.prefetch = prefetch;
            this.limit = prefetch - (prefetch >> 2);
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
                if (ending != null) {
                    ending.attached(this::endSource);
                }
                s.request(prefetch);
            }
        }

        @Override
        public void onNext(T element) {
            if (done || stopped || cancelled) {
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
            if (!handOver(list)) {
                upstream.cancel();
                for (R dropped : list) {
                    Operators.onDiscard(dropped, actual.currentContext());
                }
                onError(Exceptions.failWithOverflow("the source sent more than was asked for"));
                return;
            }
            drain();
        }

        private boolean handOver(List<? extends R> list) {
            Queue<List<? extends R>> waiting = queue;
            if (waiting == null) {
                if (next == null) {
                    next = list;
                    return true;
                }
                waiting = Queues.<List<? extends R>>get(prefetch).get();
                queue = waiting;
            }
            return waiting.offer(list);
        }

        private @Nullable List<? extends R> takeOver() {
            List<? extends R> list = next;
            if (list != null) {
                next = null;
                return list;
            }
            Queue<List<? extends R>> waiting = queue;
            return waiting == null ? null : waiting.poll();
        }

        @Override
        public void onError(Throwable failure) {
            if (done || stopped) {
                Operators.onErrorDropped(failure, actual.currentContext());
                return;
            }
            error = ending == null ? failure : ending.sourceFailed(failure);
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
            ended();
            drain();
        }

        private void endSource() {
            if (stopped || done) {
                return;
            }
            stopped = true;
            upstream.cancel();
            drain();
        }

        private void ended() {
            if (ending != null && ENDED.compareAndSet(this, 0, 1)) {
                ending.ended();
            }
        }

        /**
         * One thread at a time emits; a caller that finds it busy leaves its work to the one in it. Once the
         * stream ended here ({@link #cancelled} is set then too), a pass only discards what was handed over
         * late (a list mapped while the subscriber cancelled).
         */
        private void drain() {
            if (WIP.getAndIncrement(this) != 0) {
                return;
            }
            int missed = 1;
            do {
                emit();
                missed = WIP.addAndGet(this, -missed);
            } while (missed != 0);
        }

        private void emit() {
            long wanted = requested;
            long emitted = 0;
            for (;;) {
                if (cancelled) {
                    discardRest();
                    return;
                }
                boolean early = stopped;
                boolean sourceEnded = early || done;
                if (sourceEnded && !early && error != null) {
                    if (!recovered()) {
                        return;
                    }
                    continue;
                }
                List<? extends R> list = current;
                if (list == null) {
                    list = takeOver();
                    if (list == null) {
                        if (!sourceEnded) {
                            break;
                        }
                        if (ending == null || tailTaken) {
                            cancelled = true;
                            actual.onComplete();
                            ended();
                            return;
                        }
                        tailTaken = true;
                        try {
                            list = Objects.requireNonNull(ending.afterSource(), "The ending returned a null List");
                        } catch (Throwable e) {
                            Exceptions.throwIfFatal(e);
                            fail(e);
                            return;
                        }
                    }
                    current = list;
                    index = 0;
                }
                if (index == list.size()) {
                    current = null;
                    if (++consumed == limit) {
                        consumed = 0;
                        if (!done && !stopped) {
                            upstream.request(limit);
                        }
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
                    fail(Operators.onOperatorError(new NullPointerException("The list held a null element"),
                            actual.currentContext()));
                    return;
                }
                actual.onNext(element);
                emitted++;
            }
            if (emitted != 0 && wanted != Long.MAX_VALUE) {
                REQUESTED.addAndGet(this, -emitted);
            }
        }

        /**
         * The source failed: with a {@link Recovery} that takes the failure, what is left is discarded and its
         * list becomes the last one (true); else the stream fails (false). Drain only.
         */
        private boolean recovered() {
            Throwable failure = Objects.requireNonNull(error);
            List<? extends R> instead;
            try {
                instead = recovery == null ? null : recovery.instead(failure);
            } catch (Throwable e) {
                Exceptions.throwIfFatal(e);
                fail(Exceptions.addSuppressed(e, failure));
                return false;
            }
            if (instead == null) {
                fail(failure);
                return false;
            }
            discardRest();
            error = null;
            tailTaken = true;
            current = instead;
            index = 0;
            return true;
        }

        private void fail(Throwable failure) {
            cancelled = true;
            discardRest();
            actual.onError(failure);
            ended();
        }

        /** Discards what is left of the current list and of those handed over (buffers are released so). */
        private void discardRest() {
            Context context = actual.currentContext();
            List<? extends R> list = current;
            if (list != null) {
                for (int i = index; i < list.size(); i++) {
                    Operators.onDiscard(list.get(i), context);
                }
                current = null;
            }
            for (List<? extends R> waiting = takeOver(); waiting != null; waiting = takeOver()) {
                for (R element : waiting) {
                    Operators.onDiscard(element, context);
                }
            }
        }
    }
}
