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
