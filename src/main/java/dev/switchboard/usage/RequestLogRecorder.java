package dev.switchboard.usage;

import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.Usage;
import dev.switchboard.routing.RequestObserver;
import dev.switchboard.routing.RequestRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Turns each finished request into a {@code request_log} row for the write-behind. */
public final class RequestLogRecorder implements RequestObserver {

    private final RequestLogWriter writer;
    private final JsonMapper json;

    public RequestLogRecorder(RequestLogWriter writer, JsonMapper json) {
        this.writer = writer;
        this.json = json;
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
                run.outcome() == null ? "failed" : run.outcome().name().toLowerCase(),
                run.outcome() == RequestRun.Outcome.SUCCESS || run.errorClass() == null ? null : run.errorClass().code(),
                message == null ? null : message.length() > 600 ? message.substring(0, 600) : message,
                (int) Math.max(0, run.latencyMs()),
                run.firstTokenMs() >= 0 ? (int) run.firstTokenMs() : null,
                attempts.size(),
                usage == null ? null : usage.promptTokens(),
                usage == null ? null : usage.completionTokens(),
                usage == null ? null : usage.totalTokens(),
                usage != null && usage.estimated(),
                run.finishReason(),
                json.writeValueAsString(chain(attempts)),
                run.responseText(),
                json.writeValueAsString(metadata(run)),
                run.traceId());
    }

    private static List<Map<String, Object>> chain(List<Attempt> attempts) {
        List<Map<String, Object>> out = new ArrayList<>(attempts.size());
        for (Attempt a : attempts) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("provider", a.provider());
            step.put("key", a.key());
            step.put("model", a.model());
            step.put("outcome", a.outcome());
            if (a.errorClass() != null) {
                step.put("error_class", a.errorClass().code());
            }
            if (a.status() > 0) {
                step.put("status", a.status());
            }
            step.put("latency_ms", a.latencyMs());
            out.add(step);
        }
        return out;
    }

    private static Map<String, Object> metadata(RequestRun run) {
        ChatCommand command = run.command();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("requested_provider", command.provider());
        meta.put("requested_model", command.model());
        meta.put("max_tokens", command.maxTokens());
        meta.put("temperature", command.temperature());
        meta.put("fallback", command.fallback());
        meta.put("messages", command.messages().size());
        meta.put("completion_chars", run.completionChars());
        if (!command.tools().isEmpty()) {
            meta.put("tools", command.tools().size());
        }
        if (run.toolCalls() > 0) {
            meta.put("tool_calls", run.toolCalls());
        }
        if (command.images() > 0) {
            meta.put("images", command.images());
        }
        if (command.responseFormat() != null) {
            meta.put("response_format", command.responseFormat().type().name().toLowerCase(Locale.ROOT));
        }
        Usage usage = run.usage();
        if (usage != null && usage.cachedTokens() > 0) {
            meta.put("cached_tokens", usage.cachedTokens());
        }
        if (usage != null && usage.cacheWriteTokens() > 0) {
            meta.put("cache_write_tokens", usage.cacheWriteTokens());
        }
        if (usage != null && usage.reasoningTokens() > 0) {
            meta.put("reasoning_tokens", usage.reasoningTokens());
        }
        if (run.relayed()) {
            meta.put("relayed", true);
        }
        if (run.resumes() > 0) {
            // a resumable stream whose client lost its connection and came back for the rest (that many times)
            meta.put("resumed", run.resumes());
        }
        if (run.abandoned()) {
            meta.put("client_gone", true);
        }
        Usage original = run.cachedUsage();
        if (original != null) {
            // answered from the response cache: no tokens now; what the answer cost when it was made
            meta.put("cache_hit", true);
            meta.put("cached_usage", Map.of("prompt_tokens", original.promptTokens(),
                    "completion_tokens", original.completionTokens(), "total_tokens", original.totalTokens()));
        }
        meta.put("gateway_overhead_us", run.overheadNanos() / 1000);
        return meta;
    }
}
