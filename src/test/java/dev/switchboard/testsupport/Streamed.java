package dev.switchboard.testsupport;

import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.ToolCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * Every event a surface received from one streamed request that ended normally, in order: the commit, text,
 * reasoning and tool-call fragments, and the result. Collected with {@link StepVerifier} on the test thread,
 * bounded to 20 s (a cold JVM on a loaded machine is slow to make its first exchange).
 */
public record Streamed(List<StreamEvent> events) {

    public static Streamed of(Flux<StreamEvent> stream) {
        List<StreamEvent> events = new ArrayList<>();
        StepVerifier.create(stream)
                .thenConsumeWhile(event -> true, events::add)
                .expectComplete()
                .verify(Duration.ofSeconds(20));
        return new Streamed(List.copyOf(events));
    }

    public RouteInfo route() {
        return first(StreamEvent.Committed.class).route();
    }

    public boolean relayed() {
        return first(StreamEvent.Committed.class).relayed();
    }

    /** Choice 0's text, as the deltas came. */
    public String text() {
        return text(0);
    }

    public String text(int choice) {
        StringBuilder out = new StringBuilder();
        for (StreamEvent event : meanings()) {
            if (event instanceof StreamEvent.Text text && text.choice() == choice) {
                out.append(text.delta());
            }
        }
        return out.toString();
    }

    /** Choice 0's text deltas, one per upstream piece. */
    public List<String> deltas() {
        List<String> out = new ArrayList<>();
        for (StreamEvent event : meanings()) {
            if (event instanceof StreamEvent.Text text && text.choice() == 0) {
                out.add(text.delta());
            }
        }
        return out;
    }

    /** Choice 0's reasoning pieces. */
    public List<String> reasoning() {
        List<String> out = new ArrayList<>();
        for (StreamEvent event : meanings()) {
            if (event instanceof StreamEvent.Reasoning reasoning && reasoning.choice() == 0) {
                out.add(reasoning.text());
            }
        }
        return out;
    }

    /** The tool-call fragments in the order the surface got them. */
    public List<StreamEvent.ToolCallDelta> toolCallFragments() {
        List<StreamEvent.ToolCallDelta> out = new ArrayList<>();
        for (StreamEvent event : meanings()) {
            if (event instanceof StreamEvent.ToolCallDelta call) {
                out.add(call);
            }
        }
        return out;
    }

    /** Choice 0's tool calls as a client puts them together from the fragments (id and name of the first one). */
    public List<ToolCall> toolCallsFromFragments() {
        Map<Integer, String[]> calls = new TreeMap<>();
        for (StreamEvent.ToolCallDelta fragment : toolCallFragments()) {
            if (fragment.choice() != 0) {
                continue;
            }
            String[] call = calls.computeIfAbsent(fragment.index(), i -> new String[] {"", "", ""});
            if (fragment.id() != null) {
                call[0] = fragment.id();
            }
            if (fragment.name() != null) {
                call[1] = fragment.name();
            }
            call[2] += fragment.arguments();
        }
        return calls.values().stream().map(c -> new ToolCall(c[0], c[1], c[2])).toList();
    }

    /** The events, each relayed one followed by what it carries (as a surface that does not relay reads them). */
    public List<StreamEvent> meanings() {
        List<StreamEvent> out = new ArrayList<>();
        for (StreamEvent event : events) {
            out.add(event);
            if (event instanceof StreamEvent.Relay relay && relay.meaning() != null) {
                out.add(relay.meaning());
            }
        }
        return out;
    }

    /** The events of the provider's own stream, relayed as they came. */
    public List<StreamEvent.Relay> relays() {
        List<StreamEvent.Relay> out = new ArrayList<>();
        for (StreamEvent event : events) {
            if (event instanceof StreamEvent.Relay relay) {
                out.add(relay);
            }
        }
        return out;
    }

    public ChatResult result() {
        return first(StreamEvent.Done.class).result();
    }

    private <T extends StreamEvent> T first(Class<T> type) {
        for (StreamEvent event : events) {
            if (type.isInstance(event)) {
                return type.cast(event);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " among " + events);
    }
}
