package dev.switchboard.chat;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A finished chat request: the answer and how it was routed.
 *
 * @param choices the answers, choice 0 first ({@code n} > 1 asks for more); a streamed result carries the
 *     finish reasons and tool calls but no text (the text went out as it came)
 * @param raw the provider's answer as it sent it, when it speaks the client's wire format (relayed as is)
 * @param cache how the response cache took part
 */
public record ChatResult(
        String id,
        List<Choice> choices,
        RouteInfo route,
        Usage usage,
        long latencyMs,
        List<Attempt> attempts,
        byte @Nullable [] raw,
        CacheStatus cache) {

    public ChatResult {
        if (choices.isEmpty()) {
            throw new IllegalArgumentException("a result has at least one choice");
        }
        choices = List.copyOf(choices);
        attempts = List.copyOf(attempts);
        cache = cache == null ? CacheStatus.NONE : cache;
    }

    /** A result the cache had no part in. */
    public ChatResult(String id, List<Choice> choices, RouteInfo route, Usage usage, long latencyMs,
            List<Attempt> attempts, byte @Nullable [] raw) {
        this(id, choices, route, usage, latencyMs, attempts, raw, CacheStatus.NONE);
    }

    public ChatResult withCache(CacheStatus status) {
        return status == cache ? this : new ChatResult(id, choices, route, usage, latencyMs, attempts, raw, status);
    }

    /** A one-choice text result. */
    public ChatResult(String id, String content, String finishReason, RouteInfo route, Usage usage, long latencyMs,
            List<Attempt> attempts) {
        this(id, List.of(Choice.text(content, finishReason)), route, usage, latencyMs, attempts, null);
    }

    /** Choice 0's text. */
    public String content() {
        return choices.get(0).content();
    }

    /** Choice 0's finish reason. */
    public String finishReason() {
        return choices.get(0).finishReason();
    }

    /** Choice 0's tool calls. */
    public List<ToolCall> toolCalls() {
        return choices.get(0).toolCalls();
    }
}
