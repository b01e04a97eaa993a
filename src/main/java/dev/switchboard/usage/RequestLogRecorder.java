package dev.switchboard.usage;

import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.Usage;
import dev.switchboard.routing.RequestObserver;
import dev.switchboard.routing.RequestRun;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/** Turns each finished request into a {@code request_log} row for the write-behind. */
public final class RequestLogRecorder implements RequestObserver {

    /** The width of {@code error_message}: a longer message is cut, not refused with its row. */
    static final int ERROR_MESSAGE_CHARS = 600;
    /**
     * The width of {@code finish_reason}. The reason is the provider's word, and a provider may coin a longer
     * one: it is cut, so the database does not refuse (and the writer drop) the row.
     */
    static final int FINISH_REASON_CHARS = 32;

    private final RequestLogWriter writer;
    private final LogDocuments documents;

    public RequestLogRecorder(RequestLogWriter writer, JsonMapper json) {
        this.writer = writer;
        this.documents = new LogDocuments(json);
    }

    @Override
    public void ended(RequestRun run) {
        writer.enqueue(row(run));
    }

    RequestLogRow row(RequestRun run) {
        ChatCommand command = run.command();
        RouteInfo route = run.route();
        Usage usage = run.usage();
        List<Attempt> attempts = run.attempts();
        Attempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        String message = run.errorMessage();
        return new RequestLogRow(
                command.requestId(),
                Instant.ofEpochMilli(run.startedAtMillis()),
                command.clientId(),
                command.surface().code(),
                run.plan().path().code(),
                route != null ? route.provider() : last != null ? last.provider() : command.provider(),
                route != null ? route.model() : last != null ? last.model() : command.model(),
                route != null ? route.key() : last != null ? last.key() : null,
                run.outcomeCode(),
                run.outcome() == RequestRun.Outcome.SUCCESS || run.errorClass() == null ? null : run.errorClass().code(),
                clip(message, ERROR_MESSAGE_CHARS),
                (int) Math.max(0, run.latencyMs()),
                run.firstTokenMs() >= 0 ? (int) run.firstTokenMs() : null,
                attempts.size(),
                usage == null ? null : usage.promptTokens(),
                usage == null ? null : usage.completionTokens(),
                usage == null ? null : usage.totalTokens(),
                usage != null && usage.estimated(),
                clip(run.finishReason(), FINISH_REASON_CHARS),
                chain(attempts),
                run.responseText(),
                metadata(run),
                run.traceId());
    }

    private static @Nullable String clip(@Nullable String text, int chars) {
        return text == null || text.length() <= chars ? text : text.substring(0, chars);
    }

    /**
     * The attempts as the {@code chain} column's JSON, written straight by a generator: building maps and
     * serializing them was the largest step of a request's end in the profile (docs/PERFORMANCE.md).
     */
    byte[] chain(List<Attempt> attempts) {
        return documents.write(g -> {
            g.writeStartArray();
            for (Attempt a : attempts) {
                g.writeStartObject();
                g.writeStringProperty("provider", a.provider());
                g.writeStringProperty("key", a.key());
                g.writeStringProperty("model", a.model());
                g.writeStringProperty("outcome", a.outcome());
                if (a.errorClass() != null) {
                    g.writeStringProperty("error_class", a.errorClass().code());
                }
                if (a.status() > 0) {
                    g.writeNumberProperty("status", a.status());
                }
                g.writeNumberProperty("latency_ms", a.latencyMs());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    /** What else is known of the request, as the {@code metadata} column's JSON (written like {@link #chain}). */
    byte[] metadata(RequestRun run) {
        ChatCommand command = run.command();
        return documents.write(g -> {
            g.writeStartObject();
            g.writeStringProperty("requested_provider", command.provider());
            g.writeStringProperty("requested_model", command.model());
            g.writeName("max_tokens");
            if (command.maxTokens() == null) {
                g.writeNull();
            } else {
                g.writeNumber(command.maxTokens());
            }
            g.writeName("temperature");
            if (command.temperature() == null) {
                g.writeNull();
            } else {
                g.writeNumber(command.temperature());
            }
            g.writeBooleanProperty("fallback", command.fallback());
            g.writeNumberProperty("messages", run.messageCount());
            g.writeNumberProperty("completion_chars", run.completionChars());
            if (run.toolCount() > 0) {
                g.writeNumberProperty("tools", run.toolCount());
            }
            if (run.toolCalls() > 0) {
                g.writeNumberProperty("tool_calls", run.toolCalls());
            }
            if (run.images() > 0) {
                g.writeNumberProperty("images", run.images());
            }
            if (command.responseFormat() != null) {
                g.writeStringProperty("response_format", command.responseFormat().type().name().toLowerCase(Locale.ROOT));
            }
            Usage usage = run.usage();
            if (usage != null && usage.cachedTokens() > 0) {
                g.writeNumberProperty("cached_tokens", usage.cachedTokens());
            }
            if (usage != null && usage.cacheWriteTokens() > 0) {
                g.writeNumberProperty("cache_write_tokens", usage.cacheWriteTokens());
            }
            if (usage != null && usage.reasoningTokens() > 0) {
                g.writeNumberProperty("reasoning_tokens", usage.reasoningTokens());
            }
            if (run.relayed()) {
                g.writeBooleanProperty("relayed", true);
            }
            if (run.resumes() > 0) {
                // a resumable stream whose client lost its connection and came back for the rest (that many times)
                g.writeNumberProperty("resumed", run.resumes());
            }
            if (run.abandoned()) {
                g.writeBooleanProperty("client_gone", true);
            }
            Usage original = run.cachedUsage();
            if (original != null) {
                // answered from the response cache: no tokens now; what the answer cost when it was made
                g.writeBooleanProperty("cache_hit", true);
                g.writeName("cached_usage");
                g.writeStartObject();
                g.writeNumberProperty("prompt_tokens", original.promptTokens());
                g.writeNumberProperty("completion_tokens", original.completionTokens());
                g.writeNumberProperty("total_tokens", original.totalTokens());
                g.writeEndObject();
            }
            g.writeNumberProperty("gateway_overhead_us", run.overheadNanos() / 1000);
            g.writeEndObject();
        });
    }
}
