package dev.switchboard.providers;

import dev.switchboard.chat.Usage;

/** A whole (non-streamed) upstream answer. */
public record Completion(String content, String finishReason, Usage usage) {
}
