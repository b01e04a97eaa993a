package dev.switchboard.providers.anthropic;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.sse.SseEvent;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the named SSE events of one Anthropic stream into {@link ChatChunk}s; one instance per stream.
 *
 * <ul>
 *   <li>{@code message_start}, {@code content_block_start}, {@code content_block_stop}, {@code ping} and
 *       unknown events (the versioning policy says to ignore them) are keep-alives, so they never commit
 *       the stream; message_start's input token count is kept for later.
 *   <li>{@code content_block_delta} is content: text deltas become text, thinking and tool-input deltas
 *       an empty delta (progress that commits, but no text we could forward).
 *   <li>{@code message_delta} carries the stop reason and the <em>cumulative</em> output tokens; usage is
 *       reported there, once, with the input tokens from message_start.
 *   <li>{@code message_stop} ends the stream; {@code error} fails it; end of body without message_stop is
 *       a truncation.
 * </ul>
 */
final class AnthropicStreamMapper {

    private static final List<ChatChunk> KEEP_ALIVE = List.of(ChatChunk.KeepAlive.INSTANCE);

    private final JsonMapper json;
    private final AnthropicErrors errors;
    private final ApiKey key;
    private int inputTokens = -1;
    private boolean done;

    AnthropicStreamMapper(JsonMapper json, AnthropicErrors errors, ApiKey key) {
        this.json = json;
        this.errors = errors;
        this.key = key;
    }

    boolean isDone(SseEvent event) {
        if (!event.isPulse() && ("message_stop".equals(event.event()) || isMessageStop(event))) {
            done = true;
        }
        return done;
    }

    List<ChatChunk> map(SseEvent event) {
        if (event.isPulse() || done || "ping".equals(event.event())) {
            return KEEP_ALIVE;
        }
        if ("error".equals(event.event())) {
            throw errors.inBand(json.readTree(event.data()), key);
        }
        AnthropicWire.Event data = json.readValue(event.data(), AnthropicWire.Event.class);
        String type = "message".equals(event.event()) && data.type() != null ? data.type() : event.event();
        return switch (type) {
            case "message_start" -> messageStart(data);
            case "content_block_delta" -> contentDelta(data.delta());
            case "message_delta" -> messageDelta(data);
            case "error" -> throw errors.inBand(json.readTree(event.data()), key);
            default -> KEEP_ALIVE;
        };
    }

    /** End of body: complete only after {@code message_stop}. */
    Flux<ChatChunk> endOfStream() {
        if (done) {
            return Flux.empty();
        }
        return Flux.error(UpstreamException.of(ErrorClass.NETWORK,
                "upstream stream ended before message_stop (truncated)"));
    }

    private List<ChatChunk> messageStart(AnthropicWire.Event data) {
        if (data.message() != null && data.message().usage() != null) {
            inputTokens = inputTokens(data.message().usage());
        }
        return KEEP_ALIVE;
    }

    private static List<ChatChunk> contentDelta(AnthropicWire.@Nullable Delta delta) {
        if (delta == null) {
            return KEEP_ALIVE;
        }
        if ("text_delta".equals(delta.type()) || delta.text() != null) {
            return List.of(new ChatChunk.Delta(delta.text() == null ? "" : delta.text()));
        }
        return List.of(new ChatChunk.Delta(""));
    }

    private List<ChatChunk> messageDelta(AnthropicWire.Event data) {
        List<ChatChunk> out = new ArrayList<>(2);
        if (data.delta() != null && data.delta().stopReason() != null) {
            out.add(new ChatChunk.Finish(stopReason(data.delta().stopReason())));
        }
        AnthropicWire.Usage usage = data.usage();
        if (usage != null && usage.outputTokens() != null) {
            // newer API versions repeat input_tokens here; the later value wins
            int input = usage.inputTokens() != null ? inputTokens(usage) : Math.max(0, inputTokens);
            out.add(new ChatChunk.UsageReport(Usage.reported(input, usage.outputTokens())));
        }
        return out.isEmpty() ? KEEP_ALIVE : out;
    }

    /** Prompt tokens in OpenAI's sense: Anthropic counts cached input apart from {@code input_tokens}. */
    static int inputTokens(AnthropicWire.Usage usage) {
        return nonNull(usage.inputTokens()) + nonNull(usage.cacheCreationInputTokens())
                + nonNull(usage.cacheReadInputTokens());
    }

    /** Section 2.3 of the reference: Anthropic's stop reasons in OpenAI's vocabulary. */
    static String stopReason(@Nullable String stopReason) {
        if (stopReason == null) {
            return "stop";
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    private boolean isMessageStop(SseEvent event) {
        return "message".equals(event.event()) && event.data().contains("\"message_stop\"")
                && "message_stop".equals(json.readTree(event.data()).path("type").asString(""));
    }

    private static int nonNull(@Nullable Integer n) {
        return n == null ? 0 : n;
    }
}
