package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.config.ResilienceProperties;
import dev.switchboard.testsupport.MutableClock;
import dev.switchboard.testsupport.TestProviders;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** What opens a provider's circuit: its failures in a row, never how long its healthy answers take. */
class ProviderGuardsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T16:00:00Z"));
    private final CircuitBreaker circuit = new ProviderGuards(ResilienceProperties.defaults(), clock)
            .circuitBreaker(TestProviders.provider("p", 1));

    /** Resilience4j counts a call over 60 s as slow, and by default opens a circuit whose calls were all slow. */
    @Test
    void streamsLongerThanAMinuteDoNotOpenTheCircuit() {
        for (int i = 0; i < 3 * ResilienceProperties.defaults().circuitFailureThreshold(); i++) {
            call(Duration.ofMinutes(3), null);
        }

        assertThat(circuit.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void providerFailuresInARowOpenIt() {
        for (int i = 0; i < ResilienceProperties.defaults().circuitFailureThreshold(); i++) {
            call(Duration.ofMillis(20), UpstreamException.of(ErrorClass.SERVER_ERROR, "HTTP 500"));
        }

        assertThat(circuit.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    /**
     * A call's permits are taken and its outcome recorded on the event loops, several at once for one provider.
     * Resilience4j's window takes a lock, and a second loop would park on it (BlockHound fails that, as it did in
     * a browser test): the calls record their outcomes one at a time, so the lock is never contended.
     */
    @Test
    void guardsUsedFromEventLoopsAtOnceNeverBlock() {
        ProviderGuards guards = new ProviderGuards(ResilienceProperties.defaults(), clock);
        ProviderGuards.CallGuards call = guards.forCall(TestProviders.provider("q", 1));
        Flux<Integer> loops = Flux.range(0, 8)
                .parallel(8)
                .runOn(Schedulers.parallel())
                .doOnNext(i -> {
                    for (int n = 0; n < 20_000; n++) {
                        if (call.admit() == null) {
                            call.succeeded(call.now());
                        }
                    }
                })
                .sequential();

        StepVerifier.create(loops).expectNextCount(8).expectComplete().verify(Duration.ofSeconds(60));
        assertThat(call.circuit().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(call.circuit().getMetrics().getNumberOfSuccessfulCalls())
                .isEqualTo(ResilienceProperties.defaults().circuitFailureThreshold());
        assertThat(call.bulkhead().getMetrics().getAvailableConcurrentCalls())
                .isEqualTo(call.bulkhead().getMetrics().getMaxAllowedConcurrentCalls());
    }

    private void call(Duration takes, Throwable failure) {
        assertThat(circuit.tryAcquirePermission()).isTrue();
        long start = circuit.getCurrentTimestamp();
        clock.advance(takes);
        long duration = circuit.getCurrentTimestamp() - start;
        if (failure == null) {
            circuit.onSuccess(duration, circuit.getTimestampUnit());
        } else {
            circuit.onError(duration, circuit.getTimestampUnit(), failure);
        }
    }
}
