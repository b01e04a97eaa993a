package dev.switchboard.providers.openai;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.sse.SseEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the SSE events of one OpenAI-family stream into {@link ChatChunk}s; one instance per stream.
 * Role-only chunks, empty-choice chunks and comments become keep-alives, so they never commit the
 * stream. An error object (top level or in {@code x_groq}) or {@code finish_reason: "error"} fails it.
 */
final class OpenAiStreamMapper {

    private static final List<ChatChunk> KEEP_ALIVE = List.of(ChatChunk.KeepAlive.INSTANCE);

    private final JsonMapper json;
    private final OpenAiErrors errors;
    private final ApiKey key;
    private final Clock clock;
    private boolean done;
    private boolean finished;

    OpenAiStreamMapper(JsonMapper json, OpenAiErrors errors, ApiKey key, Clock clock) {
        this.json = json;
        this.errors = errors;
        this.key = key;
        this.clock = clock;
    }

    boolean isDone(SseEvent event) {
        if (!event.isPulse() && event.data().startsWith("[DONE]")) {
            done = true;
        }
        return done;
    }

    /**
     * Maps one event. It must not look at {@link #done}: {@link dev.switchboard.providers.sse.EndMarker}
     * sets that flag as the {@code [DONE]} event passes, while earlier events may still wait in the
     * operator queue between the two, and they still have to be mapped.
     */
    List<ChatChunk> map(SseEvent event) {
        if (event.isPulse() || event.data().startsWith("[DONE]")) {
            return KEEP_ALIVE;
        }
        if ("error".equals(event.event())) {
            throw errors.inBand(json.readTree(event.data()).path("error"), key, clock.instant());
        }
        OpenAiWire.Chunk chunk = json.readValue(event.data(), OpenAiWire.Chunk.class);
        if (chunk.error() != null && !chunk.error().isNull()) {
            throw errors.inBand(chunk.error(), key, clock.instant());
        }
        if (chunk.xGroq() != null && chunk.xGroq().error() != null && !chunk.xGroq().error().isNull()) {
            throw errors.inBand(chunk.xGroq().error(), key, clock.instant());
        }
        List<ChatChunk> out = new ArrayList<>(2);
        if (chunk.choices() != null && !chunk.choices().isEmpty()) {
            OpenAiWire.Choice choice = chunk.choices().get(0);
            OpenAiWire.Delta delta = choice.delta();
            if (delta != null) {
                if (delta.content() != null && !delta.content().isEmpty()) {
                    out.add(new ChatChunk.Delta(delta.content()));
                } else if (notEmpty(delta.reasoning()) || notEmpty(delta.reasoningContent())) {
                    out.add(new ChatChunk.Delta(""));
                }
            }
            if (choice.finishReason() != null) {
                if ("error".equals(choice.finishReason())) {
                    throw UpstreamException.of(ErrorClass.SERVER_ERROR, "upstream ended the stream with finish_reason error");
                }
                finished = true;
                out.add(new ChatChunk.Finish(choice.finishReason()));
            }
        }
        OpenAiWire.Usage usage = chunk.usage() != null ? chunk.usage()
                : chunk.xGroq() != null ? chunk.xGroq().usage() : null;
        if (usage != null) {
            out.add(new ChatChunk.UsageReport(usage(usage)));
        }
        return out.isEmpty() ? KEEP_ALIVE : out;
    }

    /** End of body: fine after {@code [DONE]} or a finish reason (lenient), a truncation otherwise. */
    Flux<ChatChunk> endOfStream() {
        if (done || finished) {
            return Flux.empty();
        }
        return Flux.error(UpstreamException.of(ErrorClass.NETWORK, "upstream stream ended before it was complete"));
    }

    static Usage usage(OpenAiWire.@Nullable Usage usage) {
        if (usage == null || usage.promptTokens() == null) {
            return Usage.NONE;
        }
        int prompt = usage.promptTokens();
        int completion = usage.completionTokens() == null ? 0 : usage.completionTokens();
        int total = usage.totalTokens() == null ? prompt + completion : usage.totalTokens();
        return new Usage(prompt, completion, total, false);
    }

    private static boolean notEmpty(@Nullable String s) {
        return s != null && !s.isEmpty();
    }
}
