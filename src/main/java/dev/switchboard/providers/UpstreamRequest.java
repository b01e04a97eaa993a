package dev.switchboard.providers;

import dev.switchboard.chat.ChatMessage;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What an adapter sends upstream, before it is put into the provider's wire format. */
public record UpstreamRequest(
        String model,
        List<ChatMessage> messages,
        @Nullable Integer maxTokens,
        @Nullable Double temperature) {
}
