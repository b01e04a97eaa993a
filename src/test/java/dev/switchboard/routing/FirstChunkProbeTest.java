package dev.switchboard.routing;

import dev.switchboard.chat.Usage;
import dev.switchboard.providers.ChatChunk;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** What the probe lets through, in which order: only content commits a stream. */
class FirstChunkProbeTest {

    private static final Duration LONG = Duration.ofMinutes(1);
    private static final FirstChunkProbe PROBE = new FirstChunkProbe(LONG, LONG);

    private static ChatChunk.Relay relay(String data, ChatChunk meaning) {
        return new ChatChunk.Relay("", data.getBytes(StandardCharsets.UTF_8), false, meaning);
    }

    private static Flux<ChatChunk> guarded(ChatChunk... chunks) {
        return PROBE.guard(Flux.just(chunks), LONG, LONG);
    }

    @Test
    void aRelayedEventCarryingContentCommitsAfterTheEventsHeldBeforeIt() {
        ChatChunk.Relay role = new ChatChunk.Relay("", "{\"role\"}".getBytes(StandardCharsets.UTF_8), false);
        ChatChunk.Relay text = relay("{\"content\":\"Hi\"}", new ChatChunk.Delta("Hi"));
        ChatChunk.Relay finish = relay("{\"finish\"}", new ChatChunk.Finish(0, "stop"));

        StepVerifier.create(guarded(role, ChatChunk.KeepAlive.INSTANCE, text, finish))
                .expectNext(role, text, finish)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aRelayedEventCarryingOnlyUsageIsHeldUntilTheFirstContent() {
        ChatChunk.Relay usage = relay("{\"usage\"}", new ChatChunk.UsageReport(new Usage(1, 2, 3, false)));
        ChatChunk.Delta text = new ChatChunk.Delta("Hi");

        StepVerifier.create(guarded(usage, text))
                .expectNext(usage, text)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aStreamOfRelayedEventsWithoutContentLetsNothingThrough() {
        ChatChunk.Relay role = new ChatChunk.Relay("", "{\"role\"}".getBytes(StandardCharsets.UTF_8), false);

        StepVerifier.create(guarded(role, relay("{\"usage\"}", new ChatChunk.UsageReport(new Usage(1, 2, 3, false)))))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }
}
