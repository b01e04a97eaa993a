package dev.switchboard.support;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Operators;
import reactor.core.publisher.SignalType;
import reactor.util.context.Context;

/**
 * {@code doFinally} that also hands over the error a stream failed with: {@code hook} runs once, after the
 * completion or error has gone on downstream, or after a cancel has gone up to the source, with how it ended.
 *
 * <p>Why not {@code doOnError(...).doFinally(...)}: a request's stream had both, two subscribers that every
 * chunk of every stream passed (docs/PERFORMANCE.md); this is one. As with {@code doFinally}, an exception
 * the hook throws is dropped ({@link Operators#onErrorDropped}), since the signal went on already. For the same
 * reason it can also look at each element before passing it on ({@link #of(Flux, Consumer, Hook)}: what a
 * {@code doOnNext} in front of it would do, without a subscriber of its own).
 *
 * @param <T> the elements, passed on as they are
 */
public final class AfterEnd<T> extends FluxOperator<T, T> {

    /** How a stream ended. */
    @FunctionalInterface
    public interface Hook {

        /**
         * @param signal {@link SignalType#ON_COMPLETE}, {@link SignalType#ON_ERROR} or {@link SignalType#CANCEL}
         * @param error what it failed with; null unless {@code signal} is {@code ON_ERROR}
         */
        void ended(SignalType signal, @Nullable Throwable error);
    }

    private final @Nullable Consumer<? super T> each;
    private final Hook hook;

    private AfterEnd(Flux<? extends T> source, @Nullable Consumer<? super T> each, Hook hook) {
        super(source);
        this.each = each;
        this.hook = hook;
    }

    /** {@code source}, with {@code hook} told once how it ended. */
    public static <T> Flux<T> of(Flux<? extends T> source, Hook hook) {
        return new AfterEnd<>(source, null, hook);
    }

    /**
     * {@code source}, with {@code each} shown every element before it goes on (as {@code doOnNext}: one that
     * throws fails the stream and cancels the source) and {@code hook} told once how it ended.
     */
    public static <T> Flux<T> of(Flux<? extends T> source, Consumer<? super T> each, Hook hook) {
        return new AfterEnd<>(source, Objects.requireNonNull(each, "each"), hook);
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        source.subscribe(new Watcher<>(actual, each, hook));
    }

    private static final class Watcher<T> implements CoreSubscriber<T>, Subscription {

        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Watcher> ENDED =
                AtomicIntegerFieldUpdater.newUpdater(Watcher.class, "ended");

        private final CoreSubscriber<? super T> actual;
        private final @Nullable Consumer<? super T> each;
        private final Hook hook;
        private @Nullable Subscription upstream;
        /** Whether {@link #each} failed the stream; later signals from the source are dropped. */
        private boolean failed;
        private volatile int ended;

        Watcher(CoreSubscriber<? super T> actual, @Nullable Consumer<? super T> each, Hook hook) {
            this.actual = actual;
            this.each = each;
            this.hook = hook;
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
            }
        }

        @Override
        public void onNext(T element) {
            if (failed) {
                Operators.onNextDropped(element, actual.currentContext());
                return;
            }
            if (each != null) {
                try {
                    each.accept(element);
                } catch (Throwable e) {
                    Throwable error = Operators.onOperatorError(upstream, e, element, actual.currentContext());
                    failed = true;
                    onErrorOnce(error);
                    return;
                }
            }
            actual.onNext(element);
        }

        @Override
        public void onError(Throwable error) {
            if (failed) {
                Operators.onErrorDropped(error, actual.currentContext());
                return;
            }
            onErrorOnce(error);
        }

        private void onErrorOnce(Throwable error) {
            try {
                actual.onError(error);
            } finally {
                end(SignalType.ON_ERROR, error);
            }
        }

        @Override
        public void onComplete() {
            if (failed) {
                return;
            }
            try {
                actual.onComplete();
            } finally {
                end(SignalType.ON_COMPLETE, null);
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            upstream.cancel();
            end(SignalType.CANCEL, null);
        }

        private void end(SignalType signal, @Nullable Throwable error) {
            if (ENDED.compareAndSet(this, 0, 1)) {
                try {
                    hook.ended(signal, error);
                } catch (Throwable e) {
                    Exceptions.throwIfFatal(e);
                    Operators.onErrorDropped(e, actual.currentContext());
                }
            }
        }
    }
}
