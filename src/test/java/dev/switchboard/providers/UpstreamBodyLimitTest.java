package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class UpstreamBodyLimitTest {

    @Test
    void passesABodyUpToTheCapUnchanged() {
        Flux<ByteBuf> body = Flux.just(buffer("12345"), buffer("67890"));

        StepVerifier.create(UpstreamBodyLimit.count(body, 10).map(b -> b.toString(StandardCharsets.UTF_8)))
                .expectNext("12345", "67890")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void failsTheBodyWithAServerErrorOnceItPassesTheCap() {
        Flux<ByteBuf> body = Flux.just(buffer("12345"), buffer("67890"), buffer("x"));

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
        List<ByteBuf> seen = new ArrayList<>();
        Flux<ByteBuf> body = Flux.defer(() -> Flux.just(buffer("123456")));
        Flux<ByteBuf> limited = UpstreamBodyLimit.count(body, 8);

        limited.doOnNext(seen::add).blockLast(Duration.ofSeconds(5));
        limited.doOnNext(seen::add).blockLast(Duration.ofSeconds(5));

        assertThat(seen).as("the second read is not refused for the first one's bytes").hasSize(2);
    }

    @Test
    void readsAWholeBodyIntoOneArrayAndAnEmptyOneAsNothing() {
        StepVerifier.create(UpstreamBodyLimit.bytes(Flux.just(buffer("{\"a\":"), buffer("1}")), 7)
                        .map(bytes -> new String(bytes, StandardCharsets.UTF_8)))
                .expectNext("{\"a\":1}")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(UpstreamBodyLimit.bytes(Flux.empty(), -1))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void failsAWholeBodyPastTheInMemoryCapWithAServerError() {
        ByteBuf mebibyte = Unpooled.wrappedBuffer(new byte[1024 * 1024]);
        Flux<ByteBuf> body = Flux.range(0, 5).map(i -> mebibyte.duplicate());

        StepVerifier.create(UpstreamBodyLimit.bytes(body, -1))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(UpstreamException.class).hasMessage("upstream response exceeds the size limit");
                    assertThat(((UpstreamException) e).errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
                })
                .verify(Duration.ofSeconds(5));
    }

    private static ByteBuf buffer(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }
}
