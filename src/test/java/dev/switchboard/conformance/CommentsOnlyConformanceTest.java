package dev.switchboard.conformance;

import static dev.switchboard.testsupport.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.testsupport.FakeUpstream;
import dev.switchboard.testsupport.FakeUpstream.Script;
import dev.switchboard.testsupport.Gateway;
import dev.switchboard.testsupport.Seen;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Conformance case 17, with time scaled by 1/10 to keep the suite fast: OpenRouter sends
 * {@code : OPENROUTER PROCESSING} every 200 ms for 2 s (the reference: every 2 s for 20 s), then content.
 * The idle timeout (500 ms) is longer than the comment interval, so only the first-content deadline
 * decides.
 */
class CommentsOnlyConformanceTest {

    private static final Duration IDLE = Duration.ofMillis(500);

    private final FakeUpstream fake = FakeUpstream.start();
    private Gateway gateway;

    @AfterEach
    void stop() {
        gateway.close();
        fake.close();
    }

    private void openRouterWithDeadline(Duration firstContent) {
        gateway = new Gateway(Gateway.routing(firstContent, IDLE),
                Gateway.provider("openrouter", WireFormat.OPENAI, fake.url("/api/v1"), "sk-or-one", "sk-or-two"));
        fake.on("sk-or-one", Script.sse().repeat(OPENROUTER_PROCESSING, Duration.ofMillis(200), Duration.ofSeconds(2))
                .write(openRouterText("Bon")).write(openRouterText("jour")).write(DONE));
        fake.on("sk-or-two", Script.sse().write(OPENAI_HAPPY));
    }

    @Test
    void case17_openRouterCommentsOnly_deadlineAboveTheWaitSucceedsAndCommentsAreNotContent() {
        openRouterWithDeadline(Duration.ofSeconds(3));

        Seen seen = Seen.of(gateway.stream("openrouter"));

        assertThat(seen.route().key()).isEqualTo("openrouter#1");
        assertThat(seen.deltas()).containsExactly("Bon", "jour");
        assertThat(gateway.trail()).containsExactly("openrouter#1:ok");
    }

    @Test
    void case17_openRouterCommentsOnly_deadlineBelowTheWaitFallsBackThoughBytesKeptArriving() {
        openRouterWithDeadline(Duration.ofSeconds(1));

        Seen seen = Seen.of(gateway.stream("openrouter"));

        assertThat(seen.route().key()).isEqualTo("openrouter#2");
        assertThat(seen.text()).isEqualTo("Hello!");
        assertThat(gateway.trail()).containsExactly("openrouter#1:timeout", "openrouter#2:ok");
        assertThat(gateway.outcome("openrouter#1").message())
                .as("the first-content deadline fired, not the idle timeout")
                .startsWith("no content from upstream within 1000 ms");
        assertThat(gateway.outcome("openrouter#1").errorClass()).isEqualTo(ErrorClass.TIMEOUT);
    }
}
