package dev.switchboard.routing;

import dev.switchboard.chat.Choice;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.ToolCall;
import dev.switchboard.chat.Usage;
import dev.switchboard.providers.ChatChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Forwards what one committed stream delivers to the surface and keeps its tally: characters (for an
 * estimate when the provider reports no usage), finish reasons, tool calls (assembled from their
 * fragments, for the result and the request log), reported usage. Per-stream state stays small: tool
 * calls are kept only when there are some, text only when the request log stores it.
 */
final class StreamTally {

    private final @Nullable StringBuilder text;
    private int chars;
    private int choices = 1;
    private @Nullable Map<Integer, String> finishReasons;
    private String finishReason = "stop";
    private @Nullable Map<Long, PendingCall> toolCalls;
    private @Nullable Usage reported;

    /** @param keepText also keep the whole text (for the request log) */
    StreamTally(boolean keepText) {
        this.text = keepText ? new StringBuilder() : null;
    }

    /**
     * Keeps the tally of a chunk; true when the chunk goes on to the client (as {@link #event}). Two steps,
     * called by {@link CommittedStream} for each chunk (no Reactor {@code handle}, which would have Reactor restore
     * thread locals around every chunk once context-propagation is on the class path; docs/PERFORMANCE.md,
     * "Tracing").
     */
    boolean accept(ChatChunk chunk) {
        if (chunk instanceof ChatChunk.Delta delta) {
            if (delta.text().isEmpty()) {
                return false;
            }
            chars += delta.text().length();
            if (text != null && delta.choice() == 0) {
                text.append(delta.text());
            }
            choice(delta.choice());
            return true;
        } else if (chunk instanceof ChatChunk.Relay relay) {
            if (relay.meaning() != null) {
                accept(relay.meaning());
            }
            return true;
        } else if (chunk instanceof ChatChunk.ToolCallDelta call) {
            toolCall(call);
            choice(call.choice());
            return true;
        } else if (chunk instanceof ChatChunk.ReasoningDelta reasoning) {
            chars += reasoning.text().length();
            choice(reasoning.choice());
            return true;
        } else if (chunk instanceof ChatChunk.RefusalDelta refusal) {
            chars += refusal.text().length();
            choice(refusal.choice());
            return true;
        } else if (chunk instanceof ChatChunk.Finish finish) {
            finished(finish);
        } else if (chunk instanceof ChatChunk.UsageReport report) {
            reported = report.usage();
        }
        return false;
    }

    /** What a chunk {@link #accept} let through becomes for the client. */
    static StreamEvent event(ChatChunk chunk) {
        if (chunk instanceof ChatChunk.Delta delta) {
            return delta.choice() == 0 ? new StreamEvent.Text(delta.text())
                    : new StreamEvent.Text(delta.choice(), delta.text());
        } else if (chunk instanceof ChatChunk.Relay relay) {
            ChatChunk meaning = relay.meaning();
            return new StreamEvent.Relay(relay.event(), relay.data(), relay.usageOnly(),
                    meaning != null && forwarded(meaning) ? event(meaning) : null);
        } else if (chunk instanceof ChatChunk.ToolCallDelta call) {
            return new StreamEvent.ToolCallDelta(call.choice(), call.index(), call.id(), call.name(), call.arguments());
        } else if (chunk instanceof ChatChunk.ReasoningDelta reasoning) {
            return new StreamEvent.Reasoning(reasoning.choice(), reasoning.text());
        } else if (chunk instanceof ChatChunk.RefusalDelta refusal) {
            return new StreamEvent.Refusal(refusal.choice(), refusal.text());
        }
        throw new IllegalArgumentException("not forwarded: " + chunk);
    }

    /** Whether {@link #accept} lets the chunk through (without keeping its tally). */
    private static boolean forwarded(ChatChunk chunk) {
        return chunk instanceof ChatChunk.Delta delta ? !delta.text().isEmpty()
                : chunk instanceof ChatChunk.Relay || chunk instanceof ChatChunk.ToolCallDelta
                        || chunk instanceof ChatChunk.ReasoningDelta || chunk instanceof ChatChunk.RefusalDelta;
    }

    private void choice(int index) {
        choices = Math.max(choices, index + 1);
    }

    private void finished(ChatChunk.Finish finish) {
        if (finish.choice() == 0) {
            finishReason = finish.reason();
            return;
        }
        choice(finish.choice());
        if (finishReasons == null) {
            finishReasons = new TreeMap<>();
        }
        finishReasons.put(finish.choice(), finish.reason());
    }

    private void toolCall(ChatChunk.ToolCallDelta delta) {
        if (toolCalls == null) {
            toolCalls = new TreeMap<>();
        }
        long key = ((long) delta.choice() << 32) | delta.index();
        PendingCall call = toolCalls.computeIfAbsent(key, k -> new PendingCall());
        if (delta.id() != null) {
            call.id = delta.id();
        }
        if (delta.name() != null) {
            call.name = delta.name();
        }
        call.arguments.append(delta.arguments());
        chars += delta.arguments().length();
    }

    @Nullable String text() {
        return text == null ? null : text.toString();
    }

    int chars() {
        return chars;
    }

    String finishReason() {
        return finishReason;
    }

    /** Tool calls of all choices. */
    int toolCallCount() {
        return toolCalls == null ? 0 : toolCalls.size();
    }

    /** Each choice with its finish reason and tool calls; the text went out as it came, so it is not here. */
    List<Choice> choices() {
        List<Choice> out = new ArrayList<>(choices);
        for (int i = 0; i < choices; i++) {
            String finish = i == 0 ? finishReason
                    : finishReasons == null ? "stop" : finishReasons.getOrDefault(i, "stop");
            out.add(new Choice(i, i == 0 && text != null ? text.toString() : "", calls(i), null, null, finish));
        }
        return out;
    }

    private List<ToolCall> calls(int choice) {
        if (toolCalls == null) {
            return List.of();
        }
        List<ToolCall> out = new ArrayList<>();
        toolCalls.forEach((key, call) -> {
            if ((int) (key >>> 32) == choice) {
                out.add(new ToolCall(call.id, call.name, call.arguments.toString()));
            }
        });
        return out;
    }

    /** The provider's usage when it sent one, otherwise an estimate marked as such. */
    Usage usage(int promptChars) {
        return reported != null && !reported.estimated() ? reported : Usage.estimate(promptChars, chars);
    }

    /** A tool call being assembled from its fragments. */
    private static final class PendingCall {
        private String id = "";
        private String name = "";
        private final StringBuilder arguments = new StringBuilder();
    }
}
