package dev.switchboard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.SimulatorProperties.FaultProbabilities;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimulatorKeyTest {

    @Test
    void keysNameTheirFaultAndIgnoreTrailingLabels() {
        assertThat(SimulatorKey.parse("sim-ok-alpha-1").fault()).isEqualTo(SimulatorFault.NONE);
        assertThat(SimulatorKey.parse("sim-rate-limit-7-alpha")).isEqualTo(new SimulatorKey(SimulatorFault.RATE_LIMITED, 7, 0));
        assertThat(SimulatorKey.parse("sim-rate-limit-beta").arg()).isEqualTo(30);
        assertThat(SimulatorKey.parse("sim-invalid-beta-2").fault()).isEqualTo(SimulatorFault.INVALID_KEY);
        assertThat(SimulatorKey.parse("sim-error-503-x")).isEqualTo(new SimulatorKey(SimulatorFault.SERVER_ERROR, 503, 0));
        assertThat(SimulatorKey.parse("sim-fail-after-4-x")).isEqualTo(new SimulatorKey(SimulatorFault.FAIL_AFTER_CHUNKS, 4, 0));
        assertThat(SimulatorKey.parse("sim-stall-after-2")).isEqualTo(new SimulatorKey(SimulatorFault.STALL_AFTER_CHUNKS, 2, 0));
        assertThat(SimulatorKey.parse("sim-stall").fault()).isEqualTo(SimulatorFault.STALL);
        assertThat(SimulatorKey.parse("sk-real-looking").fault()).isEqualTo(SimulatorFault.NONE);
    }

    @Test
    void chaosKeysFailAboutTheirPercentageOfCalls() {
        SimulatorKey chaos = SimulatorKey.parse("sim-chaos-25");
        Random random = new Random(42);
        int faults = 0;
        for (int i = 0; i < 10_000; i++) {
            if (chaos.roll(random, FaultProbabilities.none()).fault() != SimulatorFault.NONE) {
                faults++;
            }
        }
        assertThat(faults).isBetween(2300, 2700);
    }

    @Test
    void tailKeysAreSlowInTheirShareOfCallsOnly() {
        assertThat(SimulatorKey.parse("sim-tail-10-3000-a")).isEqualTo(new SimulatorKey(SimulatorFault.TAIL, 3000, 0.10));
        assertThat(SimulatorKey.parse("sim-tail-5-800")).isEqualTo(new SimulatorKey(SimulatorFault.TAIL, 800, 0.05));
        assertThat(SimulatorKey.parse("sim-tail-bench")).isEqualTo(new SimulatorKey(SimulatorFault.TAIL, 3000, 0.10));
        SimulatorKey tail = SimulatorKey.parse("sim-tail-10-3000");
        Random random = new Random(7);
        int slow = 0;
        for (int i = 0; i < 10_000; i++) {
            SimulatorKey call = tail.roll(random, FaultProbabilities.none());
            assertThat(call.fault()).isIn(SimulatorFault.SLOW, SimulatorFault.NONE);
            if (call.fault() == SimulatorFault.SLOW) {
                assertThat(call.arg()).isEqualTo(3000);
                slow++;
            }
        }
        assertThat(slow).isBetween(900, 1100);
    }
}
