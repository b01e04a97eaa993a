package dev.switchboard.providers.gemini;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.sse.SseEvent;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the chunks of one Gemini stream into {@link ChatChunk}s; one instance per stream.
 *
 * <p>Gemini has no end marker: the stream ends with the body, and it is complete only if some chunk
 * carried a {@code finishReason} (or the prompt was blocked). {@code usageMetadata} comes on every chunk
 * but only the last one is final, so usage is reported once, at the end, from the last chunk seen; it is
 * never summed. A blocked prompt ({@code promptFeedback.blockReason}) is a normal, empty answer with
 * finish reason {@code content_filter}: not an error, so neither a fallback nor a key penalty.
 */
final class GeminiStreamMapper {

    private static final Logger log = LoggerFactory.getLogger(GeminiStreamMapper.class);
    private static final List<ChatChunk> KEEP_ALIVE = List.of(ChatChunk.KeepAlive.INSTANCE);

    private final JsonMapper json;
    private final GeminiErrors errors;
    private final ApiKey key;
    private GeminiWire.@Nullable UsageMetadata lastUsage;
    private boolean finished;

    GeminiStreamMapper(JsonMapper json, GeminiErrors errors, ApiKey key) {
        this.json = json;
        this.errors = errors;
        this.key = key;
    }

    List<ChatChunk> map(SseEvent event) {
        if (event.isPulse()) {
            return KEEP_ALIVE;
        }
        return map(json.readTree(event.data()));
    }

    /** One chunk: an SSE event's data, or an element of the JSON array Gemini sends without {@code alt=sse}. */
    List<ChatChunk> map(JsonNode node) {
        if (node.path("error").isObject()) {
            throw errors.inBand(node.path("error"), key);
        }
        GeminiWire.Response chunk = json.treeToValue(node, GeminiWire.Response.class);
        if (chunk.usageMetadata() != null) {
            lastUsage = chunk.usageMetadata();
        }
        List<ChatChunk> out = new ArrayList<>(2);
        if (chunk.promptFeedback() != null && chunk.promptFeedback().blockReason() != null) {
            finished = true;
            out.add(new ChatChunk.Finish("content_filter"));
        }
        if (chunk.candidates() != null && !chunk.candidates().isEmpty()) {
            GeminiWire.Candidate candidate = chunk.candidates().get(0);
            ChatChunk content = content(candidate.content());
            if (content != null) {
                out.add(content);
            }
            if (candidate.finishReason() != null) {
                finished = true;
                out.add(new ChatChunk.Finish(finishReason(candidate.finishReason())));
            }
        }
        return out.isEmpty() ? KEEP_ALIVE : out;
    }

    /** End of body: the final usage after a finish reason, a truncation without one. */
    Flux<ChatChunk> endOfStream() {
        if (!finished) {
            return Flux.error(UpstreamException.of(ErrorClass.NETWORK,
                    "upstream stream ended without a finishReason (truncated)"));
        }
        Usage usage = usage(lastUsage);
        return usage.estimated() ? Flux.empty() : Flux.just(new ChatChunk.UsageReport(usage));
    }

    /** Text parts become text; thoughts and function calls are progress without text we could forward. */
    private static @Nullable ChatChunk content(GeminiWire.@Nullable Content content) {
        if (content == null || content.parts() == null) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        boolean progress = false;
        for (GeminiWire.Part part : content.parts()) {
            if (Boolean.TRUE.equals(part.thought())) {
                progress |= part.text() != null && !part.text().isEmpty();
            } else if (part.text() != null) {
                text.append(part.text());
            } else if (part.functionCall() != null) {
                progress = true;
            }
        }
        if (!text.isEmpty()) {
            return new ChatChunk.Delta(text.toString());
        }
        return progress ? new ChatChunk.Delta("") : null;
    }

    static String finishReason(String finishReason) {
        return switch (finishReason) {
            case "STOP" -> "stop";
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
            default -> {
                log.debug("Gemini finishReason {} reported as stop", finishReason);
                yield "stop";
            }
        };
    }

    /**
     * Prompt and completion in OpenAI's sense: thinking tokens are output tokens (OpenAI counts reasoning
     * in {@code completion_tokens} too).
     */
    static Usage usage(GeminiWire.@Nullable UsageMetadata usage) {
        if (usage == null || usage.promptTokenCount() == null) {
            return Usage.NONE;
        }
        int prompt = usage.promptTokenCount();
        int completion = nonNull(usage.candidatesTokenCount()) + nonNull(usage.thoughtsTokenCount());
        int total = usage.totalTokenCount() != null ? usage.totalTokenCount() : prompt + completion;
        return new Usage(prompt, completion, total, false);
    }

    private static int nonNull(@Nullable Integer n) {
        return n == null ? 0 : n;
    }
}
