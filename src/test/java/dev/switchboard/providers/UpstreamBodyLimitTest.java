package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class UpstreamBodyLimitTest {

    private final DefaultDataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;

    @Test
    void passesABodyUpToTheCapUnchanged() {
        Flux<DataBuffer> body = Flux.just(buffer("12345"), buffer("67890"));

        StepVerifier.create(UpstreamBodyLimit.count(body, 10).map(b -> b.toString(StandardCharsets.UTF_8)))
                .expectNext("12345", "67890")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void failsTheBodyWithAServerErrorOnceItPassesTheCap() {
        Flux<DataBuffer> body = Flux.just(buffer("12345"), buffer("67890"), buffer("x"));

        StepVerifier.create(UpstreamBodyLimit.count(body, 10).map(b -> b.toString(StandardCharsets.UTF_8)))
                .expectNext("12345", "67890")
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(UpstreamException.class)
                            .hasMessage("upstream response exceeded 10 bytes and was cut off");
                    assertThat(((UpstreamException) e).errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
                })
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void countsEachSubscriptionFromZero() {
        List<DataBuffer> seen = new ArrayList<>();
        Flux<DataBuffer> body = Flux.defer(() -> Flux.just(buffer("123456")));
        Flux<DataBuffer> limited = UpstreamBodyLimit.count(body, 8);

        limited.doOnNext(seen::add).blockLast(Duration.ofSeconds(5));
        limited.doOnNext(seen::add).blockLast(Duration.ofSeconds(5));

        assertThat(seen).as("the second read is not refused for the first one's bytes").hasSize(2);
    }

    private DataBuffer buffer(String text) {
        return buffers.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
