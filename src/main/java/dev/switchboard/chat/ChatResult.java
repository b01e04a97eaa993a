package dev.switchboard.chat;

import java.util.List;

/** A finished chat request: the answer and how it was routed. */
public record ChatResult(
        String id,
        String content,
        String finishReason,
        RouteInfo route,
        Usage usage,
        long latencyMs,
        List<Attempt> attempts) {
}
