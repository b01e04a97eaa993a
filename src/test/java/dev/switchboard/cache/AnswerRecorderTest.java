package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.CacheStatus;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.Choice;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerRecorderTest {

    private static final RouteInfo ROUTE = new RouteInfo("p", "p#0", "m", RoutePath.DEFAULT);

    private static StreamEvent.Done done() {
        return new StreamEvent.Done(new ChatResult("r1", List.of(new Choice(0, "", List.of(), null, null, "stop")), ROUTE,
                new Usage(1, 2, 3, false), 5, List.of(), null, CacheStatus.MISS));
    }

    private static StreamEvent.Relay relayed(String json, StreamEvent meaning) {
        return new StreamEvent.Relay("", json.getBytes(StandardCharsets.UTF_8), false, meaning);
    }

    @Test
    void keepsTheTextRelayedEventsCarryAsWellAsPlainText() {
        AnswerRecorder recorder = new AnswerRecorder(1000);

        recorder.add(relayed("{\"content\":\"Hel\"}", new StreamEvent.Text("Hel")));
        recorder.add(new StreamEvent.Relay("", "{\"role\":\"assistant\"}".getBytes(StandardCharsets.UTF_8), false));
        recorder.add(new StreamEvent.Text("lo"));

        CachedAnswer answer = recorder.answer(done(), 10);
        assertThat(answer).isNotNull();
        assertThat(answer.choices().get(0).content()).isEqualTo("Hello");
    }

    @Test
    void aRelayedToolCallFragmentMakesTheAnswerUnstorable() {
        AnswerRecorder recorder = new AnswerRecorder(1000);

        recorder.add(relayed("{\"tool_calls\":[]}", new StreamEvent.ToolCallDelta(0, 0, "c1", "f", "{}")));

        assertThat(recorder.answer(done(), 10)).isNull();
    }
}
