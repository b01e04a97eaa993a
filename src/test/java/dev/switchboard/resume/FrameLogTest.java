package dev.switchboard.resume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameLogTest {

    private static byte[] frame(long seq, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seq * 31 + i);
        }
        return bytes;
    }

    @Test
    void keepsEveryEventAsAppendedAndNumbersThemFromOne() {
        FrameLog log = new FrameLog();
        byte[] a = "event: chunk\ndata: {\"delta\":\"a\"}\n\n".getBytes(StandardCharsets.UTF_8);
        byte[] b = "event: done\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8);

        assertThat(log.append(a)).isEqualTo(1);
        assertThat(log.append(b)).isEqualTo(2);

        assertThat(log.get(1)).isEqualTo(a);
        assertThat(log.get(2)).isEqualTo(b);
        assertThat(log.length(2)).isEqualTo(b.length);
        assertThat(log.first()).isEqualTo(1);
        assertThat(log.last()).isEqualTo(2);
    }

    @Test
    void droppingAndAppendingAtLengthKeepsTheNewestIntactAcrossMovesAndGrowth() {
        // a window-like use: append many events of varied sizes, drop the oldest past a byte budget, and compare
        // with a plain queue of arrays at every step (the buffer moves its bytes to the front, grows and shrinks)
        FrameLog log = new FrameLog();
        Deque<byte[]> model = new ArrayDeque<>();
        Random random = new Random(23);
        long keptBytes = 0;
        for (long seq = 1; seq <= 5_000; seq++) {
            int budget = seq < 2_000 ? 4096 : seq < 3_000 ? 200_000 : 2048;
            byte[] next = frame(seq, random.nextInt(300));
            assertThat(log.append(next)).isEqualTo(seq);
            model.addLast(next);
            keptBytes += next.length;
            while (keptBytes > budget) {
                int dropped = log.dropFirst();
                assertThat(dropped).isEqualTo(model.peekFirst().length);
                keptBytes -= model.removeFirst().length;
            }
            assertThat(log.size()).isEqualTo(model.size());
            assertThat(log.last()).isEqualTo(seq);
            if (seq % 97 == 0 || seq % 1000 == 999) {
                long at = log.first();
                for (byte[] expected : model) {
                    assertThat(log.get(at++)).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void clearForgetsTheEventsButTheNumberingGoesOn() {
        FrameLog log = new FrameLog();
        log.append(frame(1, 10));
        log.append(frame(2, 10));

        log.clear();

        assertThat(log.size()).isZero();
        assertThat(log.first()).isEqualTo(3);
        assertThat(log.append(frame(3, 5))).isEqualTo(3);
        assertThat(log.get(3)).isEqualTo(frame(3, 5));
    }

    @Test
    void anEventNoLongerKeptIsAnError() {
        FrameLog log = new FrameLog();
        log.append(frame(1, 10));
        log.append(frame(2, 10));
        log.dropFirst();

        assertThatThrownBy(() -> log.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> log.get(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
