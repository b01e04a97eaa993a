package dev.switchboard.resume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte accounting of what a resumable stream keeps: pending events, the replay window, its trimming. */
class KeptEventsTest {

    private static final long NO_LIMIT = Long.MAX_VALUE;

    /** What an event of {@code n} bytes counts for. */
    private static long cost(int n) {
        return n + KeptEvents.FRAME_OVERHEAD;
    }

    @Test
    void appendedEventsArePendingUntilWrittenThenCountInTheWindow() {
        KeptEvents events = new KeptEvents();
        assertThat(events.append(bytes(10))).isEqualTo(cost(10));
        events.append(bytes(20));

        assertThat(events.pendingBytes()).isEqualTo(cost(10) + cost(20));
        assertThat(events.windowBytes()).isZero();
        assertThat(events.ahead()).isEqualTo(2);
        assertThat(events.allWritten()).isFalse();

        List<Frame> batch = events.takeBatch(KeptEvents.ONE_EVENT, NO_LIMIT);

        assertThat(batch).extracting(Frame::seq).containsExactly(1L);
        assertThat(events.pendingBytes()).isEqualTo(cost(20));
        assertThat(events.windowBytes()).isEqualTo(cost(10));
        assertThat(events.keptBytes()).isEqualTo(cost(10) + cost(20));
        assertThat(events.ahead()).isEqualTo(1);
    }

    @Test
    void aBatchJoinsEventsUpToItsBytesButAlwaysTakesOne() {
        KeptEvents events = new KeptEvents();
        events.append(bytes(40));
        events.append(bytes(40));
        events.append(bytes(40));
        events.append(bytes(200));

        assertThat(events.takeBatch(100, NO_LIMIT)).extracting(Frame::seq).containsExactly(1L, 2L);
        assertThat(events.takeBatch(100, NO_LIMIT)).extracting(Frame::seq).containsExactly(3L);
        assertThat(events.takeBatch(100, NO_LIMIT)).as("larger than the bound on its own")
                .extracting(Frame::seq).containsExactly(4L);
        assertThat(events.allWritten()).isTrue();
        assertThat(events.pendingBytes()).isZero();
    }

    @Test
    void theWindowKeepsOnlyTheNewestWrittenEventsThatFit() {
        KeptEvents events = new KeptEvents();
        for (int i = 0; i < 5; i++) {
            events.append(bytes(16));
        }
        long window = 2 * cost(16);

        events.takeBatch(1_000, window);

        assertThat(events.first()).as("the three oldest written events dropped").isEqualTo(4);
        assertThat(events.windowBytes()).isEqualTo(window);
        assertThat(events.after(3)).extracting(Frame::seq).containsExactly(4L, 5L);
    }

    @Test
    void unwrittenEventsAreNeverTrimmed() {
        KeptEvents events = new KeptEvents();
        for (int i = 0; i < 4; i++) {
            events.append(bytes(16));
        }

        events.takeBatch(KeptEvents.ONE_EVENT, 0);

        assertThat(events.first()).isEqualTo(2);
        assertThat(events.windowBytes()).isZero();
        assertThat(events.pendingBytes()).isEqualTo(3 * cost(16));
    }

    @Test
    void movingBackMakesWrittenEventsPendingAgain() {
        KeptEvents events = new KeptEvents();
        events.append(bytes(10));
        events.append(bytes(20));
        events.append(bytes(30));
        events.takeBatch(1_000, NO_LIMIT);

        events.moveTo(1, NO_LIMIT);

        assertThat(events.windowBytes()).isEqualTo(cost(10));
        assertThat(events.pendingBytes()).isEqualTo(cost(20) + cost(30));
        assertThat(events.ahead()).isEqualTo(2);
        assertThat(events.takeBatch(KeptEvents.ONE_EVENT, NO_LIMIT)).extracting(Frame::seq).containsExactly(2L);
    }

    @Test
    void clearingForgetsEveryEventButTheNumberingGoesOn() {
        KeptEvents events = new KeptEvents();
        events.append(bytes(10));
        events.append(bytes(10));
        events.takeBatch(KeptEvents.ONE_EVENT, NO_LIMIT);

        events.clear();

        assertThat(events.keptBytes()).isZero();
        assertThat(events.last()).isEqualTo(2);
        assertThat(events.first()).isEqualTo(3);
        assertThat(events.after(2)).isEmpty();
    }

    private static byte[] bytes(int n) {
        return new byte[n];
    }
}
