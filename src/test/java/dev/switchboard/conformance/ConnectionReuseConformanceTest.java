package dev.switchboard.conformance;

import static dev.switchboard.testsupport.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.chat.WireFormat;
import dev.switchboard.providers.sse.EndMarker;
import dev.switchboard.testsupport.FakeUpstream;
import dev.switchboard.testsupport.FakeUpstream.Recorded;
import dev.switchboard.testsupport.FakeUpstream.Script;
import dev.switchboard.testsupport.Gateway;
import dev.switchboard.testsupport.Seen;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stream that ends at its format's end marker gives its upstream connection back for the next request
 * (no new TCP connection, and with a real provider no new TLS handshake, per streamed request), and so
 * does one that failed with an in-band error (the fallback reuses it); an upstream that keeps the body
 * open after its marker or error still ends the stream or falls back.
 */
class ConnectionReuseConformanceTest {

    private final FakeUpstream fake = FakeUpstream.start();
    private final Gateway gateway = new Gateway(
            Gateway.provider("openai", WireFormat.OPENAI, fake.url("/v1"), "sk-one", "sk-two"),
            Gateway.provider("claude", WireFormat.ANTHROPIC, fake.url("/v1"), "sk-ant-one", "sk-ant-two"));

    @AfterEach
    void stop() {
        gateway.close();
        fake.close();
    }

    @Test
    void openAiStreamEndingAtDoneLeavesItsConnectionForTheNextStream() {
        fake.on("sk-one", Script.sse().write(OPENAI_ROLE).write(openAiText("Hello")).write(OPENAI_FINISH).write(DONE));
        fake.on("sk-two", Script.sse().write(OPENAI_HAPPY));

        assertThat(Seen.of(gateway.stream("openai")).deltas()).containsExactly("Hello");
        Recorded first = fake.requestsWith("sk-one").get(0);
        staysOpenLongerThanTheGrace(first);
        assertThat(Seen.of(gateway.stream("openai")).deltas()).containsExactly("Hello", "!");

        assertThat(fake.requestsWith("sk-two").get(0).connection()).isEqualTo(first.connection());
        assertThat(gateway.trail()).containsExactly("openai#1:ok", "openai#2:ok");
    }

    @Test
    void anthropicStreamEndingAtMessageStopLeavesItsConnectionForTheNextStream() {
        fake.on("sk-ant-one", Script.sse().write(ANTHROPIC_HAPPY));
        fake.on("sk-ant-two", Script.sse().write(ANTHROPIC_HAPPY));

        assertThat(Seen.of(gateway.stream("claude")).deltas()).containsExactly("Hello", "!");
        Recorded first = fake.requestsWith("sk-ant-one").get(0);
        staysOpenLongerThanTheGrace(first);
        assertThat(Seen.of(gateway.stream("claude")).deltas()).containsExactly("Hello", "!");

        assertThat(fake.requestsWith("sk-ant-two").get(0).connection()).isEqualTo(first.connection());
    }

    @Test
    void anthropicInBandErrorBeforeContentLeavesItsConnectionForTheFallback() {
        fake.on("sk-ant-one", Script.sse().write(ANTHROPIC_MESSAGE_START).write(ANTHROPIC_OVERLOADED_EVENT));
        fake.on("sk-ant-two", Script.sse().write(ANTHROPIC_HAPPY));

        Seen seen = Seen.of(gateway.stream("claude"));

        assertThat(seen.deltas()).containsExactly("Hello", "!");
        assertThat(gateway.trail()).containsExactly("claude#1:overloaded", "claude#2:ok");
        assertThat(fake.requestsWith("sk-ant-two").get(0).connection())
                .isEqualTo(fake.requestsWith("sk-ant-one").get(0).connection());
    }

    @Test
    void inBandErrorWithTheBodyKeptOpenStillFallsBackAfterTheGrace() {
        fake.on("sk-one", Script.sse().write(OPENAI_ROLE).write(OPENROUTER_ERROR_CHUNK).stall());
        fake.on("sk-two", Script.sse().write(OPENAI_HAPPY));

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.deltas()).containsExactly("Hello", "!");
        assertThat(gateway.trail()).hasSize(2).endsWith("openai#2:ok");
        await().atMost(Duration.ofSeconds(2)).until(fake.requestsWith("sk-one").get(0)::connectionClosed);
    }

    @Test
    void bodyKeptOpenAfterDoneStillEndsTheStreamAndDropsThatConnection() {
        fake.on("sk-one", Script.sse().write(OPENAI_ROLE).write(openAiText("Hello")).write(OPENAI_FINISH)
                .write(OPENAI_USAGE).write(DONE).stall());

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.error()).isNull();
        assertThat(seen.deltas()).containsExactly("Hello");
        assertThat(seen.result()).isNotNull();
        assertThat(seen.result().finishReason()).isEqualTo("stop");
        assertThat(gateway.trail()).containsExactly("openai#1:ok");
        await().atMost(Duration.ofSeconds(2)).until(fake.requestsWith("sk-one").get(0)::connectionClosed);
    }

    @Test
    void eventsAfterDoneAreNotDelivered() {
        fake.on("sk-one", Script.sse().write(OPENAI_ROLE).write(openAiText("Hello")).write(OPENAI_FINISH).write(DONE)
                .write(openAiText("late")));

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.error()).isNull();
        assertThat(seen.deltas()).isEqualTo(List.of("Hello"));
        assertThat(seen.result()).isNotNull();
    }

    /** Before the fix the connection closed as soon as the stream ended at its marker. */
    private static void staysOpenLongerThanTheGrace(Recorded request) {
        Duration grace = EndMarker.forIdleTimeout(Gateway.ROUTING.idleTimeout()).endGrace();
        await().during(grace.plusMillis(200)).atMost(grace.plusSeconds(1))
                .until(() -> !request.connectionClosed());
    }
}
