package dev.switchboard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.ToolCall;
import dev.switchboard.chat.Usage;
import java.util.List;

/**
 * A finished request as {@code /api/chat} returns it, and (without {@code content}) as the SSE
 * {@code done} event and the WebSocket {@code done} message carry it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatView(
        String type,
        @JsonProperty("request_id") String requestId,
        String id,
        String content,
        @JsonProperty("tool_calls") List<ToolCallView> toolCalls,
        String reasoning,
        String provider,
        String model,
        String key,
        String path,
        @JsonProperty("finish_reason") String finishReason,
        UsageView usage,
        @JsonProperty("latency_ms") long latencyMs,
        List<AttemptView> attempts) {

    static ChatView of(ChatResult result) {
        return of(null, null, result, result.content());
    }

    /** Metadata only, for the end of a stream. */
    static ChatView done(String type, String clientId, ChatResult result) {
        return of(type, clientId, result, null);
    }

    private static ChatView of(String type, String clientId, ChatResult result, String content) {
        List<ToolCallView> calls = result.toolCalls().isEmpty() ? null
                : result.toolCalls().stream().map(ToolCallView::of).toList();
        String reasoning = content == null ? null : result.choices().get(0).reasoning();
        return new ChatView(type, clientId == null ? null : result.id(), clientId == null ? result.id() : clientId,
                content, calls, reasoning, result.route().provider(), result.route().model(), result.route().key(),
                result.route().path().code(), result.finishReason(), UsageView.of(result.usage()), result.latencyMs(),
                ApiError.views(result.attempts()));
    }

    /** A tool call in OpenAI's shape; {@code arguments} is JSON text. */
    public record ToolCallView(String id, String type, Function function) {

        static ToolCallView of(ToolCall call) {
            return new ToolCallView(call.id(), "function", new Function(call.name(), call.arguments()));
        }

        public record Function(String name, String arguments) {
        }
    }

    /**
     * Token usage; {@code estimated} only appears when the provider reported none, the prompt-cache and
     * reasoning counts only when there were some.
     */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public record UsageView(
            @JsonProperty("prompt_tokens") @JsonInclude(JsonInclude.Include.ALWAYS) int promptTokens,
            @JsonProperty("completion_tokens") @JsonInclude(JsonInclude.Include.ALWAYS) int completionTokens,
            @JsonProperty("total_tokens") @JsonInclude(JsonInclude.Include.ALWAYS) int totalTokens,
            boolean estimated,
            @JsonProperty("cached_tokens") int cachedTokens,
            @JsonProperty("reasoning_tokens") int reasoningTokens) {

        static UsageView of(Usage usage) {
            return new UsageView(usage.promptTokens(), usage.completionTokens(), usage.totalTokens(), usage.estimated(),
                    usage.cachedTokens(), usage.reasoningTokens());
        }
    }
}
