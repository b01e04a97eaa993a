package dev.switchboard.routing;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.ChatChunk;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * One racer's chunks in a hedged attempt ({@link HedgeRace}), in one step: they get through only once the
 * racer has won the race ({@link HedgeRace#claim}; a chunk held back is replaced by asking the upstream for one
 * more); the racer's stream completes when the race stops it (its upstream call cancelled); a stream that ends
 * without any chunk is a failure; and a failure before the racer delivered is the race's to judge
 * ({@link HedgeRace#failed}: wait for the rival, or the error the request goes on with).
 *
 * <p>It replaces {@code switchIfEmpty(error).takeUntilOther(stopped).filter(claim).onErrorResume(failed)}, whose
 * five subscribers every chunk of a hedged stream passed through for the whole stream (docs/PERFORMANCE.md).
 * The race stops a racer only while it is out of the race, when no chunk of it can get through any more, so
 * a stop never overlaps a chunk going on; a stop and the upstream's own end may race, and the first of them
 * ends the stream.
 */
final class RacerGate extends FluxOperator<ChatChunk, ChatChunk> {

    private final HedgeRace race;
    private final HedgeRace.Racer racer;

    RacerGate(Flux<ChatChunk> chunks, HedgeRace race, HedgeRace.Racer racer) {
        super(chunks);
        this.race = race;
        this.racer = racer;
    }

    @Override
    public void subscribe(CoreSubscriber<? super ChatChunk> actual) {
        source.subscribe(new Gate(actual, race, racer));
    }

    private static final class Gate implements CoreSubscriber<ChatChunk>, Subscription, Runnable {

        private static final AtomicIntegerFieldUpdater<Gate> ENDED =
                AtomicIntegerFieldUpdater.newUpdater(Gate.class, "ended");

        private final CoreSubscriber<? super ChatChunk> actual;
        private final HedgeRace race;
        private final HedgeRace.Racer racer;
        private @Nullable Subscription upstream;
        /** Whether any chunk came; the upstream's thread only. */
        private boolean any;
        /** 1 once a signal ended the stream here (the upstream's end, the race's stop, the subscriber's cancel). */
        private volatile int ended;

        Gate(CoreSubscriber<? super ChatChunk> actual, HedgeRace race, HedgeRace.Racer racer) {
            this.actual = actual;
            this.race = race;
            this.racer = racer;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            if (Operators.validate(upstream, subscription)) {
                upstream = subscription;
                actual.onSubscribe(this);
                racer.onStop(this);
            }
        }

        @Override
        public void onNext(ChatChunk chunk) {
            if (ended != 0) {
                Operators.onNextDropped(chunk, actual.currentContext());
                return;
            }
            any = true;
            if (race.claim(racer)) {
                actual.onNext(chunk);
            } else {
                upstream.request(1);
            }
        }

        @Override
        public void onError(Throwable error) {
            if (!ENDED.compareAndSet(this, 0, 1)) {
                Operators.onErrorDropped(error, actual.currentContext());
                return;
            }
            failed(error);
        }

        @Override
        public void onComplete() {
            if (!ENDED.compareAndSet(this, 0, 1)) {
                return;
            }
            if (any) {
                actual.onComplete();
            } else {
                failed(UpstreamException.of(ErrorClass.SERVER_ERROR, "upstream stream ended without any content"));
            }
        }

        /** Before the racer delivered, the race judges its failure; after, it goes on as it is. */
        private void failed(Throwable error) {
            if (racer.delivered()) {
                actual.onError(error);
                return;
            }
            Throwable next = race.failed(racer, error);
            if (next == null) {
                actual.onComplete();
            } else {
                actual.onError(next);
            }
        }

        /** The race stopped this racer: its upstream call is cancelled and its stream completes. */
        @Override
        public void run() {
            if (ENDED.compareAndSet(this, 0, 1)) {
                upstream.cancel();
                actual.onComplete();
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            ENDED.set(this, 1);
            upstream.cancel();
        }
    }
}
