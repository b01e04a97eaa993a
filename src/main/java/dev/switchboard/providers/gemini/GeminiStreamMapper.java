package dev.switchboard.providers.gemini;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.ToolCall;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.sse.SseDecoder;
import dev.switchboard.providers.sse.SseEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
 * finish reason {@code content_filter}: not an error, so neither a fallback nor a key penalty. Function calls
 * come whole (each one fragment with its id, made up when Gemini gives none), thoughts as reasoning.
 */
final class GeminiStreamMapper {

    private static final Logger log = LoggerFactory.getLogger(GeminiStreamMapper.class);
    private static final List<ChatChunk> KEEP_ALIVE = List.of(ChatChunk.KeepAlive.INSTANCE);

    private final JsonMapper json;
    private final GeminiErrors errors;
    private final ApiKey key;
    /** Tool calls seen per choice, to number them and to tell a tool-calling finish from a plain one. */
    private final Map<Integer, Integer> toolCalls = new HashMap<>();
    private GeminiWire.@Nullable UsageMetadata lastUsage;
    private boolean finished;
    /** {@link #map(SseEvent)} as a function, made once per stream rather than once per read. */
    private final Function<SseEvent, List<ChatChunk>> perEvent = this::map;

    GeminiStreamMapper(JsonMapper json, GeminiErrors errors, ApiKey key) {
        this.json = json;
        this.errors = errors;
        this.key = key;
    }

    /** The chunks of one upstream read's events, in order. */
    List<ChatChunk> mapRead(List<SseEvent> read) {
        return SseDecoder.mapRead(read, perEvent);
    }

    List<ChatChunk> map(SseEvent event) {
        if (event.isPulse()) {
            return KEEP_ALIVE;
        }
        return map(json.readTree(event.dataBytes()));
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
        if (chunk.candidates() != null) {
            for (GeminiWire.Candidate candidate : chunk.candidates()) {
                candidate(candidate, out);
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
        Usage usage = GeminiAnswers.usage(lastUsage);
        return usage.estimated() ? Flux.empty() : Flux.just(new ChatChunk.UsageReport(usage));
    }

    /**
     * Text, thoughts (reasoning) and whole function calls (Gemini does not split them) of one candidate, in the
     * order of its parts; neighbouring text parts become one delta.
     */
    private void candidate(GeminiWire.Candidate candidate, List<ChatChunk> out) {
        int choice = candidate.index() == null ? 0 : candidate.index();
        if (candidate.content() != null && candidate.content().parts() != null) {
            StringBuilder text = new StringBuilder();
            for (GeminiWire.Part part : candidate.content().parts()) {
                if (part.functionCall() != null) {
                    flush(choice, text, out);
                    ToolCall call = GeminiAnswers.toolCall(part.functionCall());
                    int index = toolCalls.merge(choice, 1, Integer::sum) - 1;
                    out.add(new ChatChunk.ToolCallDelta(choice, index, call.id(), call.name(), call.arguments()));
                } else if (Boolean.TRUE.equals(part.thought())) {
                    if (part.text() != null && !part.text().isEmpty()) {
                        flush(choice, text, out);
                        out.add(new ChatChunk.ReasoningDelta(choice, part.text()));
                    }
                } else if (part.text() != null) {
                    text.append(part.text());
                }
            }
            flush(choice, text, out);
        }
        if (candidate.finishReason() != null) {
            finished = true;
            out.add(new ChatChunk.Finish(choice, GeminiAnswers.finishReason(candidate.finishReason(),
                    toolCalls.getOrDefault(choice, 0) > 0)));
        }
    }

    /** The text gathered so far as one delta, ahead of what follows it. */
    private static void flush(int choice, StringBuilder text, List<ChatChunk> out) {
        if (!text.isEmpty()) {
            out.add(new ChatChunk.Delta(choice, text.toString()));
            text.setLength(0);
        }
    }

    private static int nonNull(@Nullable Integer n) {
        return n == null ? 0 : n;
    }
}
