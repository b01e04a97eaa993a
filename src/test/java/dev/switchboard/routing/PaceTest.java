package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PaceTest {

    private static final double TAU = 10_000;

    @Test
    void theFirstSampleIsTakenAtFaceValueAndLaterOnesMoveTheAverageByTheirWeight() {
        Pace pace = new Pace(TAU);
        assertThat(pace.measured()).isFalse();
        assertThat(pace.firstContentMillis(0, 77)).as("nothing measured: the prior").isEqualTo(77);

        pace.firstContent(1000, 1_000);
        assertThat(pace.firstContentMillis(1_000, 0)).isEqualTo(1000);
        // ten seconds later a sample weighs 1 - e^-1
        pace.firstContent(100, 11_000);
        assertThat(pace.firstContentMillis(11_000, 0)).isCloseTo(1000 * Math.exp(-1) + 100 * (1 - Math.exp(-1)),
                within(0.5));
    }

    @Test
    void samplesInTheSameMillisecondStillCountSoABusyKeyFollowsAChange() {
        Pace pace = new Pace(TAU);
        pace.firstContent(1000, 5);
        for (int i = 0; i < 60; i++) {
            pace.firstContent(100, 5);
        }
        assertThat(pace.firstContentMillis(5, 0)).isLessThan(150);
    }

    @Test
    void anIdleFigureFadesTowardsItsPriorAndTheErrorRateTowardsZero() {
        Pace pace = new Pace(TAU);
        pace.firstContent(3000, 0);
        pace.outcome(true, 0);
        assertThat(pace.firstContentMillis(50_000, 100)).isCloseTo(100 + 2900 * Math.exp(-5), within(0.5));
        assertThat(pace.errorRate(50_000)).isCloseTo(Math.exp(-5), within(0.001));
    }

    @Test
    void theCostGrowsWithCallsInFlightAndWithErrors() {
        Pace idle = new Pace(TAU);
        idle.firstContent(100, 0);
        Pace busy = new Pace(TAU);
        busy.firstContent(100, 0);
        busy.started();
        busy.started();
        Pace failing = new Pace(TAU);
        failing.firstContent(100, 0);
        failing.outcome(true, 0);

        assertThat(idle.cost(0, 0, 4)).isEqualTo(100);
        assertThat(busy.cost(0, 0, 4)).isEqualTo(300);
        assertThat(failing.cost(0, 0, 4)).isEqualTo(500);
        busy.ended();
        busy.ended();
        assertThat(busy.inFlight()).isZero();
        assertThat(busy.calls()).isEqualTo(2);
    }
}
