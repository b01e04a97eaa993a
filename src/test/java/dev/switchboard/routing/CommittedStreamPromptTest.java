package dev.switchboard.routing;

import static dev.switchboard.testsupport.Wire.DONE;
import static dev.switchboard.testsupport.Wire.OPENAI_FINISH;
import static dev.switchboard.testsupport.Wire.OPENAI_ROLE;
import static dev.switchboard.testsupport.Wire.openAiText;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.testsupport.FakeUpstream;
import dev.switchboard.testsupport.FakeUpstream.Script;
import dev.switchboard.testsupport.Gateway;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * An open stream keeps its request's state for its whole life. Once it committed, no other candidate is tried,
 * so the prompt (a conversation, tools, images: most of that state) is let go; what the request's end books of
 * it is kept as counts.
 */
class CommittedStreamPromptTest {

    private static final int PROMPT_CHARS = 64_000;

    private final FakeUpstream fake = FakeUpstream.start();
    private final Gateway gateway = new Gateway(Gateway.UNHURRIED,
            Gateway.provider("openai", WireFormat.OPENAI, fake.url("/v1"), "sk-one"));

    @AfterEach
    void stop() {
        gateway.close();
        fake.close();
    }

    @Test
    void aCommittedStreamLetsItsPromptGoWhileItRunsAndStillCountsItAtTheEnd() throws Exception {
        fake.on("sk-one", Script.sse().write(OPENAI_ROLE + openAiText("Hello")).pause(Duration.ofSeconds(1))
                .write(openAiText("!") + OPENAI_FINISH + DONE));
        String prompt = "word ".repeat(PROMPT_CHARS / 5);
        WeakReference<String> kept = new WeakReference<>(prompt);
        BlockingQueue<StreamEvent> events = new LinkedBlockingQueue<>();
        Disposable stream = gateway.stream(ChatCommand.builder("r-1", Surface.SSE,
                        List.of(new ChatMessage("user", prompt))).provider("openai").build())
                .subscribe(events::add, error -> events.add(new StreamEvent.Text("failed: " + error)));
        prompt = null;
        try {
            assertThat(events.poll(5, TimeUnit.SECONDS)).isInstanceOf(StreamEvent.Committed.class);
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo(new StreamEvent.Text("Hello"));

            assertThat(collected(kept)).as("the prompt is let go while the stream still runs").isTrue();
            assertThat(events).as("the stream is still open (its last part comes a second later)").isEmpty();

            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo(new StreamEvent.Text("!"));
            StreamEvent done = events.poll(5, TimeUnit.SECONDS);
            assertThat(done).isInstanceOf(StreamEvent.Done.class);
            // the upstream reported no usage: the estimate still counts the whole prompt
            assertThat(((StreamEvent.Done) done).result().usage().promptTokens())
                    .isGreaterThanOrEqualTo(PROMPT_CHARS / 5);
        } finally {
            stream.dispose();
        }
    }

    /** Whether the referent is gone after a few collections (each one a request, not a promise). */
    private static boolean collected(WeakReference<?> reference) throws InterruptedException {
        for (int i = 0; i < 50 && reference.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        return reference.get() == null;
    }
}
