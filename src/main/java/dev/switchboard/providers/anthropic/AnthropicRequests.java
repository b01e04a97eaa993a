package dev.switchboard.providers.anthropic;

import dev.switchboard.chat.ChatMessage;
import dev.switchboard.providers.UpstreamRequest;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Puts an {@link UpstreamRequest} into Messages API form: system (and developer) messages become the
 * top-level {@code system}; the rest alternate {@code user}/{@code assistant}, with consecutive messages
 * of one role merged, because the API accepts only those two roles.
 */
final class AnthropicRequests {

    private AnthropicRequests() {
    }

    static AnthropicWire.Request toWire(UpstreamRequest request, boolean stream) {
        List<String> system = new ArrayList<>();
        List<AnthropicWire.Message> messages = new ArrayList<>(request.messages().size());
        for (ChatMessage m : request.messages()) {
            if ("system".equals(m.role()) || "developer".equals(m.role())) {
                system.add(m.content());
                continue;
            }
            String role = "assistant".equals(m.role()) ? "assistant" : "user";
            int last = messages.size() - 1;
            if (last >= 0 && messages.get(last).role().equals(role)) {
                messages.set(last, new AnthropicWire.Message(role, messages.get(last).content() + "\n\n" + m.content()));
            } else {
                messages.add(new AnthropicWire.Message(role, m.content()));
            }
        }
        int maxTokens = request.maxTokens() != null ? request.maxTokens() : AnthropicClient.DEFAULT_MAX_TOKENS;
        return new AnthropicWire.Request(request.model(), maxTokens,
                system.isEmpty() ? null : String.join("\n\n", system), messages, temperature(request.temperature()),
                stream ? Boolean.TRUE : null);
    }

    /** OpenAI accepts 0..2, Anthropic 0..1: clamp rather than fail a request another provider would take. */
    private static @Nullable Double temperature(@Nullable Double temperature) {
        return temperature == null ? null : Math.min(1.0, Math.max(0.0, temperature));
    }
}
