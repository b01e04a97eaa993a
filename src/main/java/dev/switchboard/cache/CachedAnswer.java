package dev.switchboard.cache;

import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.CacheStatus;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.Choice;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.Usage;
import java.util.List;

/**
 * A stored answer: its choices (text, reasoning, refusal, finish reason; never tool calls), who answered
 * it and what it cost then.
 *
 * @param storedAtMillis when it was stored
 */
public record CachedAnswer(RouteInfo route, List<Choice> choices, Usage usage, long storedAtMillis) {

    public CachedAnswer {
        choices = List.copyOf(choices);
    }

    /** The answer of a finished request, as the cache keeps it. */
    public static CachedAnswer of(ChatResult result, long nowMillis) {
        return new CachedAnswer(result.route(), result.choices(), result.usage(), nowMillis);
    }

    /**
     * Whether a finished answer may be stored: complete (the provider said why it stopped) and without tool
     * calls (they ask the client to act; replaying one would act twice).
     */
    public static boolean storable(List<Choice> choices) {
        for (Choice choice : choices) {
            if (!choice.toolCalls().isEmpty() || choice.finishReason() == null || choice.finishReason().isEmpty()
                    || "tool_calls".equals(choice.finishReason())) {
                return false;
            }
        }
        return !choices.isEmpty();
    }

    /** Roughly what it holds in memory: the characters (two bytes each) plus a fixed part per choice. */
    public int bytes() {
        long n = 256;
        for (Choice c : choices) {
            n += 96 + 2L * (c.content().length() + length(c.reasoning()) + length(c.refusal()));
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    /** The answer as a result of request {@code id}, served now from the cache (no attempts). */
    public ChatResult toResult(String id, long latencyMs) {
        return new ChatResult(id, choices, route, usage, latencyMs, List.<Attempt>of(), null, CacheStatus.HIT);
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }
}
