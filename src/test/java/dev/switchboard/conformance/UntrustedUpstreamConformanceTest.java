package dev.switchboard.conformance;

import static dev.switchboard.testsupport.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.testsupport.FakeUpstream;
import dev.switchboard.testsupport.FakeUpstream.Script;
import dev.switchboard.testsupport.Gateway;
import dev.switchboard.testsupport.Seen;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * Upstream answers are untrusted input too: an oversized body, a stream that never ends, garbage without
 * line breaks, an event that never ends and bytes that are no SSE at all are each cut off with a clear
 * error, within a bounded time and memory, and the connection is closed. Before the first chunk that is a
 * failed attempt (the next key answers); after it, the client's stream ends with a terminal error.
 */
class UntrustedUpstreamConformanceTest {

    private static final String COMPLETION = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi!\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";

    private final FakeUpstream fake = FakeUpstream.start();
    private Gateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        fake.close();
    }

    private Gateway gateway(Duration maxStream, DataSize maxStreamBytes) {
        gateway = new Gateway(Gateway.routing(maxStream, maxStreamBytes),
                Gateway.provider("openai", WireFormat.OPENAI, fake.url("/v1"), "sk-one", "sk-two"));
        fake.on("sk-two", Script.sse().write(OPENAI_HAPPY));
        return gateway;
    }

    @Test
    void aNonStreamedAnswerOverFourMebibytesIsRefusedAndTheNextKeyAnswers() {
        gateway(Duration.ofMinutes(1), DataSize.ofMegabytes(32));
        String huge = "{\"padding\":\"" + "x".repeat(5 * 1024 * 1024) + "\"}";
        fake.on("sk-one", Script.json(200, huge));
        fake.on("sk-two", Script.json(200, COMPLETION));

        ChatResult result = gateway.complete("openai").block(Duration.ofSeconds(10));

        assertThat(result.content()).isEqualTo("Hi!");
        assertThat(gateway.trail()).containsExactly("openai#1:server_error", "openai#2:ok");
        assertThat(gateway.outcome("openai#1").message()).isEqualTo("upstream response exceeds the size limit");
    }

    @Test
    void aStreamThatNeverEndsIsCutOffAtTheByteCapWithAClearError() {
        gateway(Duration.ofMinutes(1), DataSize.ofKilobytes(64));
        fake.on("sk-one", Script.sse().write(OPENAI_ROLE)
                .repeat(openAiText("more "), Duration.ofMillis(1), Duration.ofSeconds(30)));

        long start = System.nanoTime();
        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.committed()).isTrue();
        assertThat(seen.deltas()).isNotEmpty();
        assertThat(seen.midStreamError().failure().errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
        assertThat(seen.midStreamError().failure().getMessage())
                .isEqualTo("upstream response exceeded 65536 bytes and was cut off");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        awaitClosed("sk-one");
    }

    @Test
    void aStreamThatNeverEndsIsCutOffAtTheMaximumDuration() {
        gateway(Duration.ofMillis(600), DataSize.ofMegabytes(32));
        fake.on("sk-one", Script.sse().write(OPENAI_ROLE)
                .repeat(openAiText("more "), Duration.ofMillis(20), Duration.ofSeconds(30)));

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.deltas()).isNotEmpty();
        assertThat(seen.midStreamError().failure().errorClass()).isEqualTo(ErrorClass.TIMEOUT);
        assertThat(seen.midStreamError().failure().getMessage()).startsWith("stream exceeded the maximum duration");
        awaitClosed("sk-one");
    }

    @Test
    void garbageWithoutLineBreaksIsCutOffAtTheLineLimitBeforeAnyChunk() {
        gateway(Duration.ofMinutes(1), DataSize.ofMegabytes(32));
        byte[] noNewline = "z".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        Script garbage = Script.sse();
        for (int i = 0; i < 20; i++) {
            garbage.write(noNewline);
        }
        fake.on("sk-one", garbage.stall());

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.text()).isEqualTo("Hello!");
        assertThat(gateway.trail()).containsExactly("openai#1:server_error", "openai#2:ok");
        assertThat(gateway.outcome("openai#1").message()).isEqualTo("upstream stream line exceeds 1048576 bytes");
        awaitClosed("sk-one");
    }

    @Test
    void anEventWhoseDataLinesNeverEndIsCutOff() {
        gateway(Duration.ofMinutes(1), DataSize.ofMegabytes(32));
        String line = "data: " + "y".repeat(1000) + "\n";
        Script endless = Script.sse();
        for (int i = 0; i < 40; i++) {
            endless.write(line.repeat(40));
        }
        fake.on("sk-one", endless.stall());

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.text()).isEqualTo("Hello!");
        assertThat(gateway.outcome("openai#1").message()).isEqualTo("upstream stream event exceeds 1048576 bytes");
        awaitClosed("sk-one");
    }

    @Test
    void eventsThatAreNotJsonFailTheAttemptInsteadOfHanging() {
        gateway(Duration.ofMinutes(1), DataSize.ofMegabytes(32));
        fake.on("sk-one", Script.sse().write("data: {\"choices\":[{\"delta\":{\"content\":\n\n").stall());

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.text()).isEqualTo("Hello!");
        assertThat(gateway.trail()).containsExactly("openai#1:server_error", "openai#2:ok");
        assertThat(gateway.outcome("openai#1").message()).isEqualTo("malformed upstream response");
    }

    @Test
    void randomBinaryBytesEndInAnErrorOrFallbackNeverAHang() {
        gateway(Duration.ofMinutes(1), DataSize.ofKilobytes(256));
        byte[] noise = new byte[512 * 1024];
        new Random(7).nextBytes(noise);
        fake.on("sk-one", Script.sse().writeInPieces(noise, 1000, 70_000, 300_000).stall());

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.result() != null || seen.error() != null).as("ended, with an answer or an error").isTrue();
        assertThat(gateway.trail().get(0)).startsWith("openai#1:").isNotEqualTo("openai#1:ok");
    }

    private void awaitClosed(String secret) {
        FakeUpstream.Recorded request = fake.requestsWith(secret).get(0);
        await().atMost(Duration.ofSeconds(5)).until(request::connectionClosed);
    }
}
