package dev.switchboard.providers.openai;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.sse.SseEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the SSE events of one OpenAI-family stream into {@link ChatChunk}s; one instance per stream.
 * Text, reasoning ({@code reasoning_content} or OpenRouter's {@code reasoning}), refusals and tool-call
 * fragments are content, for every choice; role-only chunks, empty-choice chunks and comments are
 * keep-alives, so they never commit the stream. An error object (top level or in {@code x_groq}) or
 * {@code finish_reason: "error"} fails it. When the request is relayed, every event also comes as it was
 * sent ({@link ChatChunk.Relay}), carrying what it means or ahead of it ({@link ChatChunk#relayed}).
 */
final class OpenAiStreamMapper {

    private static final List<ChatChunk> KEEP_ALIVE = List.of(ChatChunk.KeepAlive.INSTANCE);
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final JsonMapper json;
    private final OpenAiErrors errors;
    private final ApiKey key;
    private final Clock clock;
    private final boolean relay;
    private boolean done;
    private boolean finished;

    /** @param relay also emit every event as it came, for a client of this wire format */
    OpenAiStreamMapper(JsonMapper json, OpenAiErrors errors, ApiKey key, Clock clock, boolean relay) {
        this.relay = relay;
        this.json = json;
        this.errors = errors;
        this.key = key;
        this.clock = clock;
    }

    boolean isDone(SseEvent event) {
        if (!event.isPulse() && event.dataStartsWith(DONE)) {
            done = true;
        }
        return done;
    }

    /**
     * Maps one event. It does not look at {@link #done}: {@link dev.switchboard.providers.sse.EndMarker}
     * tests each event with {@link #isDone} before mapping it, and maps the marker itself too.
     */
    List<ChatChunk> map(SseEvent event) {
        if (event.isPulse()) {
            return KEEP_ALIVE;
        }
        if (event.dataStartsWith(DONE)) {
            return relay ? List.of(new ChatChunk.Relay(event.event(), event.dataBytes(), false)) : KEEP_ALIVE;
        }
        if ("error".equals(event.event())) {
            throw errors.inBand(json.readTree(event.dataBytes()).path("error"), key, clock.instant());
        }
        OpenAiWire.Chunk chunk = OpenAiAnswerReader.readChunk(json, event.dataBytes());
        if (chunk.error() != null && !chunk.error().isNull()) {
            throw errors.inBand(chunk.error(), key, clock.instant());
        }
        if (chunk.xGroq() != null && chunk.xGroq().error() != null && !chunk.xGroq().error().isNull()) {
            throw errors.inBand(chunk.xGroq().error(), key, clock.instant());
        }
        List<ChatChunk> out = new ArrayList<>(2);
        boolean noChoices = chunk.choices() == null || chunk.choices().isEmpty();
        OpenAiWire.Usage usage = chunk.usage() != null ? chunk.usage()
                : chunk.xGroq() != null ? chunk.xGroq().usage() : null;
        if (!noChoices) {
            for (OpenAiWire.Choice choice : chunk.choices()) {
                choice(choice, out);
            }
        }
        if (usage != null) {
            out.add(new ChatChunk.UsageReport(OpenAiAnswers.usage(usage)));
        }
        if (relay) {
            return ChatChunk.relayed(new ChatChunk.Relay("message".equals(event.event()) ? "" : event.event(),
                    event.dataBytes(), noChoices && usage != null), out);
        }
        return out.isEmpty() ? KEEP_ALIVE : out;
    }

    /** One choice's delta: text, reasoning, refusal and tool-call fragments, then its finish reason. */
    private void choice(OpenAiWire.Choice choice, List<ChatChunk> out) {
        int index = choice.index() == null ? 0 : choice.index();
        OpenAiWire.Delta delta = choice.delta();
        if (delta != null) {
            String reasoning = delta.reasoningContent() != null ? delta.reasoningContent() : delta.reasoning();
            if (notEmpty(reasoning)) {
                out.add(new ChatChunk.ReasoningDelta(index, reasoning));
            }
            if (notEmpty(delta.content())) {
                out.add(new ChatChunk.Delta(index, delta.content()));
            }
            if (notEmpty(delta.refusal())) {
                out.add(new ChatChunk.RefusalDelta(index, delta.refusal()));
            }
            if (delta.toolCalls() != null) {
                for (OpenAiWire.ToolCall call : delta.toolCalls()) {
                    OpenAiWire.Function f = call.function();
                    out.add(new ChatChunk.ToolCallDelta(index, call.index() == null ? 0 : call.index(), call.id(),
                            f == null ? null : f.name(), f == null || f.arguments() == null ? "" : f.arguments()));
                }
            }
        }
        if (choice.finishReason() != null) {
            if ("error".equals(choice.finishReason())) {
                throw UpstreamException.of(ErrorClass.SERVER_ERROR, "upstream ended the stream with finish_reason error");
            }
            finished = true;
            out.add(new ChatChunk.Finish(index, choice.finishReason()));
        }
    }

    /** End of body: nothing more after {@code [DONE]} or a finish reason (lenient), else a truncation (thrown). */
    List<ChatChunk> endOfStream() {
        if (done || finished) {
            return List.of();
        }
        throw UpstreamException.of(ErrorClass.NETWORK, "upstream stream ended before it was complete");
    }

    private static boolean notEmpty(@Nullable String s) {
        return s != null && !s.isEmpty();
    }
}
