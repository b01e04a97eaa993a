package dev.switchboard.observability.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestWindowTest {

    @Test
    void summarizesOnlyTheRequestsThatEndedWithinTheWindow() {
        RequestWindow window = new RequestWindow(10_000, 100);
        window.record(1_000, 999, -1, true, true);
        for (int i = 1; i <= 20; i++) {
            window.record(20_000 + i, i * 10, i, i == 20, i % 2 == 0);
        }

        RequestWindow.Summary summary = window.summarize(25_000);

        assertThat(summary.requests()).isEqualTo(20);
        assertThat(summary.perSecond()).isEqualTo(2.0);
        assertThat(summary.errors()).isEqualTo(1);
        assertThat(summary.fallbacks()).isEqualTo(10);
        assertThat(summary.latencyP50()).isEqualTo(100);
        assertThat(summary.latencyP95()).isEqualTo(190);
        assertThat(summary.ttftP50()).isEqualTo(10);
        assertThat(summary.ttftP95()).isEqualTo(19);
    }

    @Test
    void requestsThatDidNotStreamHaveNoTimeToFirstToken() {
        RequestWindow window = new RequestWindow(10_000, 10);
        window.record(5_000, 120, -1, false, false);

        RequestWindow.Summary summary = window.summarize(6_000);

        assertThat(summary.latencyP50()).isEqualTo(120);
        assertThat(summary.ttftP50()).isNull();
        assertThat(summary.ttftP95()).isNull();
    }

    @Test
    void anEmptyWindowHasNoPercentiles() {
        RequestWindow.Summary summary = new RequestWindow(10_000, 10).summarize(1_000_000);

        assertThat(summary.requests()).isZero();
        assertThat(summary.perSecond()).isZero();
        assertThat(summary.latencyP95()).isNull();
    }

    @Test
    void aFullRingKeepsTheNewestSamples() {
        RequestWindow window = new RequestWindow(10_000, 4);
        for (int i = 1; i <= 10; i++) {
            window.record(1_000 + i, i, -1, false, false);
        }

        RequestWindow.Summary summary = window.summarize(2_000);

        assertThat(summary.requests()).isEqualTo(4);
        assertThat(summary.latencyP50()).isEqualTo(8);
        assertThat(summary.latencyP95()).isEqualTo(10);
    }
}
