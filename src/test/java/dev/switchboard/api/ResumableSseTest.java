package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

class ResumableSseTest {

    @Test
    void anEventNumberIsWrittenAsItsDecimalDigits() {
        for (long n : new long[] {0, 1, 9, 10, 11, 99, 100, 12_345, 1_000_000_007L, Long.MAX_VALUE}) {
            DataBuffer buffer = DefaultDataBufferFactory.sharedInstance.allocateBuffer(32);

            ResumableSse.writeDecimal(buffer, n);

            assertThat(buffer.toString(StandardCharsets.US_ASCII)).isEqualTo(Long.toString(n));
            assertThat(ResumableSse.digits(n)).isEqualTo(Long.toString(n).length());
        }
    }
}
