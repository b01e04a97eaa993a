package dev.switchboard.api;

import static dev.switchboard.api.WebSocketGuard.Verdict.ACCEPT;
import static dev.switchboard.api.WebSocketGuard.Verdict.CLOSE;
import static dev.switchboard.api.WebSocketGuard.Verdict.REFUSE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.SchedulerClock;
import dev.switchboard.support.TokenBucket;
import org.junit.jupiter.api.Test;

class WebSocketGuardTest {

    @Test
    void acceptsTheRateRefusesTheExcessAndClosesASocketThatKeepsFlooding() {
        WebSocketGuard.Rate rate = new WebSocketGuard.Rate(new TokenBucket(3, 1000, 0), 3, SchedulerClock.utc());

        assertThat(rate.next(0)).isEqualTo(ACCEPT);
        assertThat(rate.next(0)).isEqualTo(ACCEPT);
        assertThat(rate.next(0)).isEqualTo(ACCEPT);
        assertThat(rate.next(0)).isEqualTo(REFUSE);
        assertThat(rate.next(0)).isEqualTo(REFUSE);
        assertThat(rate.flooded()).as("refused, not yet flooded").isFalse();
        assertThat(rate.next(0)).isEqualTo(CLOSE);
        assertThat(rate.flooded()).as("the socket is to be closed; later messages are ignored").isTrue();
    }

    @Test
    void aSocketThatSlowsDownIsForgiven() {
        WebSocketGuard.Rate rate = new WebSocketGuard.Rate(new TokenBucket(2, 1000, 0), 2, SchedulerClock.utc());
        rate.next(0);
        rate.next(0);

        assertThat(rate.next(0)).isEqualTo(REFUSE);
        assertThat(rate.next(600)).isEqualTo(ACCEPT);
        assertThat(rate.next(600)).as("the refusals in a row start over").isEqualTo(REFUSE);
    }
}
