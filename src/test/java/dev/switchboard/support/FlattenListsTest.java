package dev.switchboard.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

class FlattenListsTest {

    private static final Duration BOUND = Duration.ofSeconds(5);

    @Test
    void emitsEveryListsElementsInOrderSkippingEmptyLists() {
        Flux<Integer> flat = FlattenLists.of(Flux.just(List.of(1, 2), List.<Integer>of(), List.of(3), List.of(4, 5, 6)),
                list -> list);

        StepVerifier.create(flat).expectNext(1, 2, 3, 4, 5, 6).expectComplete().verify(BOUND);
    }

    @Test
    void asksTheSourceForEightElementsThenForSixMoreEachTimeSixListsWereEmitted() {
        List<Long> requests = new CopyOnWriteArrayList<>();
        Flux<String> source = Flux.range(0, 20).map(i -> "ab").doOnRequest(requests::add);

        StepVerifier.create(FlattenLists.of(source, FlattenListsTest::letters), 0)
                .expectSubscription()
                .then(() -> assertThat(requests).containsExactly(8L))
                .thenRequest(11)
                .expectNextCount(11)
                .then(() -> assertThat(requests).as("five lists emitted whole, the sixth begun").containsExactly(8L))
                .thenRequest(1)
                .expectNextCount(1)
                .then(() -> assertThat(requests).containsExactly(8L, 6L))
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(28)
                .expectComplete()
                .verify(BOUND);
        assertThat(requests).as("none once the source completed").containsExactly(8L, 6L, 6L);
    }

    @Test
    void aLargerPrefetchAsksForThreeQuartersOfItAtATime() {
        List<Long> requests = new CopyOnWriteArrayList<>();
        Flux<String> source = Flux.range(0, 100).map(i -> "a").doOnRequest(requests::add);

        StepVerifier.create(FlattenLists.of(source, FlattenListsTest::letters, 32))
                .expectNextCount(100)
                .expectComplete()
                .verify(BOUND);
        assertThat(requests.get(0)).isEqualTo(32L);
        assertThat(requests.subList(1, requests.size())).hasSizeGreaterThanOrEqualTo(3).containsOnly(24L);
    }

    @Test
    void listsTheSubscriberHasNotAskedForYetWaitInOrder() {
        TestPublisher<String> source = TestPublisher.create();

        StepVerifier.create(FlattenLists.of(source.flux(), FlattenListsTest::letters), 1)
                .then(() -> source.next("ab", "cd", "ef", "g"))
                .expectNext("a")
                .thenRequest(3)
                .expectNext("b", "c", "d")
                .then(() -> source.next("hi").complete())
                .thenRequest(10)
                .expectNext("e", "f", "g", "h", "i")
                .expectComplete()
                .verify(BOUND);
    }

    @Test
    void cancellingDiscardsTheListsThatWaited() {
        TestPublisher<String> source = TestPublisher.create();
        List<Object> discarded = new CopyOnWriteArrayList<>();

        StepVerifier.create(FlattenLists.of(source.flux(), FlattenListsTest::letters)
                        .doOnDiscard(String.class, discarded::add), 0)
                .then(() -> source.next("ab", "cd", "e"))
                .thenRequest(1)
                .expectNext("a")
                .thenCancel()
                .verify(BOUND);
        assertThat(discarded).containsExactly("b", "c", "d", "e");
    }

    @Test
    void completesOnlyAfterTheLastListIsEmitted() {
        TestPublisher<String> source = TestPublisher.create();

        StepVerifier.create(FlattenLists.of(source.flux(), FlattenListsTest::letters), 1)
                .then(() -> source.next("xyz").complete())
                .expectNext("x")
                .thenRequest(2)
                .expectNext("y", "z")
                .expectComplete()
                .verify(BOUND);
    }

    @Test
    void anErrorEndsTheStreamAtOnceAndDiscardsWhatIsLeftOfTheList() {
        TestPublisher<String> source = TestPublisher.create();
        List<Object> discarded = new CopyOnWriteArrayList<>();

        StepVerifier.create(FlattenLists.of(source.flux(), FlattenListsTest::letters)
                        .doOnDiscard(String.class, discarded::add), 1)
                .then(() -> source.next("abc").error(new IllegalStateException("upstream broke")))
                .expectNext("a")
                .expectErrorMessage("upstream broke")
                .verify(BOUND);
        assertThat(discarded).containsExactly("b", "c");
    }

    @Test
    void cancellingDiscardsWhatIsLeftOfTheListAndCancelsTheSource() {
        TestPublisher<String> source = TestPublisher.create();
        List<Object> discarded = new CopyOnWriteArrayList<>();

        StepVerifier.create(FlattenLists.of(source.flux(), FlattenListsTest::letters)
                        .doOnDiscard(String.class, discarded::add), 1)
                .then(() -> source.next("abc"))
                .expectNext("a")
                .thenCancel()
                .verify(BOUND);
        assertThat(discarded).containsExactly("b", "c");
        source.assertCancelled();
    }

    @Test
    void aFailingMapperFailsTheStreamAndCancelsTheSource() {
        TestPublisher<String> source = TestPublisher.create();

        StepVerifier.create(FlattenLists.of(source.flux(), value -> {
                    throw new IllegalArgumentException("cannot map " + value);
                }))
                .then(() -> source.next("q"))
                .expectErrorMessage("cannot map q")
                .verify(BOUND);
        source.assertCancelled();
    }

    @Test
    void aNullListOrElementIsAnError() {
        StepVerifier.create(FlattenLists.of(Flux.just("a"), value -> null))
                .expectError(NullPointerException.class)
                .verify(BOUND);
        StepVerifier.create(FlattenLists.of(Flux.just("a"), value -> Collections.singletonList((String) null)))
                .expectError(NullPointerException.class)
                .verify(BOUND);
    }

    @Test
    void demandFromAnotherThreadWhileTheSourceEmitsLosesNothing() {
        int lists = 2_000;
        Sinks.Many<Integer> sink = Sinks.many().unicast().onBackpressureBuffer();
        Flux<Integer> flat = FlattenLists.of(sink.asFlux(), n -> List.of(n, -n))
                .limitRate(3)
                .publishOn(Schedulers.parallel(), 1);
        Schedulers.boundedElastic().schedule(() -> {
            for (int i = 1; i <= lists; i++) {
                sink.emitNext(i, Sinks.EmitFailureHandler.busyLooping(BOUND));
            }
            sink.emitComplete(Sinks.EmitFailureHandler.busyLooping(BOUND));
        });

        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= lists; i++) {
            expected.add(i);
            expected.add(-i);
        }
        StepVerifier.create(flat.collectList()).expectNext(expected).expectComplete().verify(BOUND);
    }

    @Test
    void anEndingsListFollowsTheSourceAndAnEndingMayReplaceItsError() {
        Tail tail = new Tail(List.of("end"));
        StepVerifier.create(FlattenLists.of(Flux.just("ab"), FlattenListsTest::letters, tail))
                .expectNext("a", "b", "end")
                .expectComplete()
                .verify(BOUND);
        assertThat(tail.ends).isEqualTo(1);

        Tail failing = new Tail(List.of()) {
            @Override
            public Throwable sourceFailed(Throwable error) {
                return new IllegalStateException("replaced: " + error.getMessage());
            }
        };
        StepVerifier.create(FlattenLists.of(Flux.concat(Flux.just("a"), Flux.error(new RuntimeException("reset"))),
                        FlattenListsTest::letters, failing))
                .expectNext("a")
                .expectErrorMessage("replaced: reset")
                .verify(BOUND);
        assertThat(failing.ends).isEqualTo(1);
    }

    @Test
    void anEndingThatThrowsAfterTheSourceFailsTheStream() {
        Tail throwing = new Tail(List.of()) {
            @Override
            public List<String> afterSource() {
                throw new IllegalStateException("truncated");
            }
        };

        StepVerifier.create(FlattenLists.of(Flux.just("a"), FlattenListsTest::letters, throwing))
                .expectNext("a")
                .expectErrorMessage("truncated")
                .verify(BOUND);
        assertThat(throwing.ends).isEqualTo(1);
    }

    @Test
    void endingTheSourceEarlyCancelsItAndEndsTheStreamAsIfItHadCompleted() {
        TestPublisher<String> source = TestPublisher.create();
        Tail tail = new Tail(List.of("end"));

        StepVerifier.create(FlattenLists.of(source.flux(), FlattenListsTest::letters, tail), 0)
                .then(() -> source.next("ab"))
                .then(() -> tail.endSource.run())
                .then(() -> source.next("late"))
                .thenRequest(10)
                .expectNext("a", "b", "end")
                .expectComplete()
                .verify(BOUND);
        source.assertCancelled();
        assertThat(tail.ends).isEqualTo(1);
    }

    @Test
    void theEndingHearsOfACancelOnce() {
        TestPublisher<String> source = TestPublisher.create();
        Tail tail = new Tail(List.of("end"));

        StepVerifier.create(FlattenLists.of(source.flux(), FlattenListsTest::letters, tail))
                .then(() -> source.next("a"))
                .expectNext("a")
                .thenCancel()
                .verify(BOUND);
        assertThat(tail.ends).isEqualTo(1);
    }

    @Test
    void aRecoveredFailureDiscardsWhatIsLeftThenEmitsItsElementWhenAskedAndCompletes() {
        TestPublisher<String> source = TestPublisher.create();
        List<Object> discarded = new CopyOnWriteArrayList<>();

        StepVerifier.create(recovering(source.flux()).doOnDiscard(String.class, discarded::add), 1)
                .then(() -> source.next("abc", "de").error(new IllegalStateException("mid-stream")))
                .expectNext("a")
                .then(() -> assertThat(discarded).as("the rest of the list and the list that waited")
                        .containsExactly("b", "c", "d", "e"))
                .expectNoEvent(Duration.ofMillis(50))
                .thenRequest(1)
                .expectNext("failed: mid-stream")
                .expectComplete()
                .verify(BOUND);
    }

    @Test
    void aFailureOfAnotherTypeEndsTheStreamAsItIs() {
        StepVerifier.create(recovering(Flux.concat(Flux.just("ab"), Flux.error(new IllegalArgumentException("bad")))))
                .expectNext("a", "b")
                .expectErrorMessage("bad")
                .verify(BOUND);
    }

    @Test
    void aRecoveryThatThrowsFailsTheStreamWithItsErrorAndTheSources() {
        Flux<String> flat = FlattenLists.of(Flux.<String>error(new IllegalStateException("source")),
                FlattenListsTest::letters, 8, IllegalStateException.class, e -> {
                    throw new IllegalArgumentException("recovery");
                });

        StepVerifier.create(flat)
                .expectErrorSatisfies(e -> assertThat(e).hasMessage("recovery")
                        .satisfies(error -> assertThat(error.getSuppressed()).extracting(Throwable::getMessage)
                                .containsExactly("source")))
                .verify(BOUND);
    }

    @Test
    void cancellingBeforeTheRecoveredElementIsAskedForDiscardsIt() {
        TestPublisher<String> source = TestPublisher.create();
        List<Object> discarded = new CopyOnWriteArrayList<>();

        StepVerifier.create(recovering(source.flux()).doOnDiscard(String.class, discarded::add), 0)
                .then(() -> source.error(new IllegalStateException("gone")))
                .expectNoEvent(Duration.ofMillis(50))
                .thenCancel()
                .verify(BOUND);
        assertThat(discarded).containsExactly("failed: gone");
    }

    private static Flux<String> recovering(Flux<String> source) {
        return FlattenLists.of(source, FlattenListsTest::letters, 8, IllegalStateException.class,
                e -> "failed: " + e.getMessage());
    }

    /** An ending that adds a fixed list and counts the ends it hears of. */
    private static class Tail implements FlattenLists.Ending<String> {
        private final List<String> last;
        private Runnable endSource = () -> { };
        private int ends;

        Tail(List<String> last) {
            this.last = last;
        }

        @Override
        public void attached(Runnable end) {
            endSource = end;
        }

        @Override
        public List<String> afterSource() {
            return last;
        }

        @Override
        public Throwable sourceFailed(Throwable error) {
            return error;
        }

        @Override
        public void ended() {
            ends++;
        }
    }

    private static List<String> letters(String value) {
        return value.chars().mapToObj(c -> String.valueOf((char) c)).toList();
    }
}
