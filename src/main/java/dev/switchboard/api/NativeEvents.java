package dev.switchboard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.chat.StreamEvent;
import org.jspecify.annotations.Nullable;

/** The bodies of the native surfaces' stream events beyond text (SSE {@code event: tool_call}, WebSocket {@code tool_call}). */
final class NativeEvents {

    private NativeEvents() {
    }

    /**
     * A tool-call fragment as the native surfaces send it: its index, and in its first fragment the call's id
     * and function name; {@code arguments} is the next piece of the arguments' JSON text.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ToolCall(int index, @JsonProperty("call_id") @Nullable String callId, @Nullable String name,
            String arguments) {
    }

    static ToolCall toolCall(StreamEvent.ToolCallDelta call) {
        return new ToolCall(call.index(), call.id(), call.name(), call.arguments());
    }
}
