package dev.switchboard.providers;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.GenerationOptions;
import dev.switchboard.chat.Passthrough;
import dev.switchboard.chat.ResponseFormat;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.Tool;
import dev.switchboard.chat.ToolChoice;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What an adapter sends upstream, before it is put into the provider's wire format: the candidate's model,
 * {@code max_tokens} (the request's, else the model's configured default), and the command's content.
 *
 * @param relay the client's body, when it speaks this provider's wire format: the adapter sends it with
 *     only the model replaced, and keeps the provider's answer as it came
 * @param responseFormat the answer's form for this provider: the command's, or null when the command
 *     allows dropping it and this provider cannot honour it
 */
public record UpstreamRequest(
        String model,
        @Nullable Integer maxTokens,
        ChatCommand command,
        @Nullable Passthrough relay,
        @Nullable ResponseFormat responseFormat) {

    /** A plain text request (tests and tools). */
    public UpstreamRequest(String model, List<ChatMessage> messages, @Nullable Integer maxTokens,
            @Nullable Double temperature) {
        this(model, maxTokens, ChatCommand.builder("upstream", Surface.SYNC, messages).temperature(temperature).build(),
                null, null);
    }

    public List<ChatMessage> messages() {
        return command.messages();
    }

    public @Nullable Double temperature() {
        return command.temperature();
    }

    public List<Tool> tools() {
        return command.tools();
    }

    public @Nullable ToolChoice toolChoice() {
        return command.toolChoice();
    }

    public GenerationOptions options() {
        return command.options();
    }

    /** Whether the client's body is relayed as it is (same wire format). */
    public boolean relayed() {
        return relay != null;
    }
}
