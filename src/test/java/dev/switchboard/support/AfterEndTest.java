package dev.switchboard.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.SignalType;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

class AfterEndTest {

    private static final Duration BOUND = Duration.ofSeconds(5);

    private final List<String> log = new CopyOnWriteArrayList<>();

    @Test
    void passesElementsOnAndHearsOfTheCompletionAfterItWentDownstream() {
        Flux<String> watched = AfterEnd.of(Flux.just("a", "b"), (signal, error) -> log.add(signal + " " + error))
                .doOnComplete(() -> log.add("downstream completed"));

        StepVerifier.create(watched).expectNext("a", "b").expectComplete().verify(BOUND);
        assertThat(log).containsExactly("downstream completed", "onComplete null");
    }

    @Test
    void hearsOfAnErrorWithTheErrorAfterItWentDownstream() {
        IllegalStateException broke = new IllegalStateException("broke");
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Flux<String> watched = AfterEnd.of(Flux.concat(Flux.just("a"), Flux.error(broke)), (signal, error) -> {
            log.add(signal.toString());
            seen.set(error);
        }).doOnError(e -> log.add("downstream failed"));

        StepVerifier.create(watched).expectNext("a").expectErrorMessage("broke").verify(BOUND);
        assertThat(log).containsExactly("downstream failed", "onError");
        assertThat(seen.get()).isSameAs(broke);
    }

    @Test
    void hearsOfACancelOnceAfterItWentUpToTheSource() {
        TestPublisher<String> source = TestPublisher.create();
        Flux<String> watched = AfterEnd.of(source.flux().doOnCancel(() -> log.add("source cancelled")),
                (signal, error) -> log.add(signal + " " + error));

        StepVerifier.create(watched)
                .then(() -> source.next("a"))
                .expectNext("a")
                .thenCancel()
                .verify(BOUND);
        source.complete();
        assertThat(log).containsExactly("source cancelled", "cancel null");
    }

    @Test
    void aHookThatThrowsHasItsErrorDroppedAndTheStreamEndsAsItDid() {
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        Hooks.onErrorDropped(dropped::add);
        try {
            Flux<String> watched = AfterEnd.of(Flux.just("a"), (signal, error) -> {
                throw new IllegalArgumentException("hook broke");
            });

            StepVerifier.create(watched).expectNext("a").expectComplete().verify(BOUND);
            assertThat(dropped).extracting(Throwable::getMessage).containsExactly("hook broke");
        } finally {
            Hooks.resetOnErrorDropped();
        }
    }

    @Test
    void theSignalsAreTheOnesDoFinallyReports() {
        List<SignalType> ours = new CopyOnWriteArrayList<>();
        List<SignalType> reactors = new CopyOnWriteArrayList<>();
        for (Flux<String> source : List.of(Flux.just("x"), Flux.<String>error(new IllegalStateException("e")))) {
            AfterEnd.of(source, (signal, error) -> ours.add(signal)).onErrorResume(e -> Flux.empty()).blockLast(BOUND);
            source.doFinally(reactors::add).onErrorResume(e -> Flux.empty()).blockLast(BOUND);
        }
        AfterEnd.of(Flux.never(), (signal, error) -> ours.add(signal)).take(Duration.ofMillis(10)).blockLast(BOUND);
        Flux.never().doFinally(reactors::add).take(Duration.ofMillis(10)).blockLast(BOUND);
        assertThat(ours).containsExactlyElementsOf(reactors)
                .containsExactly(SignalType.ON_COMPLETE, SignalType.ON_ERROR, SignalType.CANCEL);
    }
}
