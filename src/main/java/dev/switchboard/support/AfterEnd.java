package dev.switchboard.support;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
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
 * the hook throws is dropped ({@link Operators#onErrorDropped}), since the signal went on already.
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

    private final Hook hook;

    private AfterEnd(Flux<? extends T> source, Hook hook) {
        super(source);
        this.hook = hook;
    }

    /** {@code source}, with {@code hook} told once how it ended. */
    public static <T> Flux<T> of(Flux<? extends T> source, Hook hook) {
        return new AfterEnd<>(source, hook);
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        source.subscribe(new Watcher<>(actual, hook));
    }

    private static final class Watcher<T> implements CoreSubscriber<T>, Subscription {

        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Watcher> ENDED =
                AtomicIntegerFieldUpdater.newUpdater(Watcher.class, "ended");

        private final CoreSubscriber<? super T> actual;
        private final Hook hook;
        private @Nullable Subscription upstream;
        private volatile int ended;

        Watcher(CoreSubscriber<? super T> actual, Hook hook) {
            this.actual = actual;
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
            actual.onNext(element);
        }

        @Override
        public void onError(Throwable error) {
            try {
                actual.onError(error);
            } finally {
                end(SignalType.ON_ERROR, error);
            }
        }

        @Override
        public void onComplete() {
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
