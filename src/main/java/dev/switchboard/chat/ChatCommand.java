package dev.switchboard.chat;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A validated chat request, independent of the surface it came from.
 *
 * @param requestId the request's {@code X-Request-Id}
 * @param provider provider named by the client (Path B), or null
 * @param model model named by the client (Path B), or null for Path A
 * @param fallback false makes a single attempt
 * @param preferredProvider Path A only: try this provider first, then the normal order
 * @param modelFallback Path B only: when the named model is at its daily limit, use the provider's
 *     next model by priority
 * @param clientId the gateway client that sent it (its id, never its key); {@code anonymous} without one
 */
public record ChatCommand(
        String requestId,
        Surface surface,
        List<ChatMessage> messages,
        @Nullable String provider,
        @Nullable String model,
        @Nullable Integer maxTokens,
        @Nullable Double temperature,
        boolean fallback,
        @Nullable String preferredProvider,
        boolean modelFallback,
        String clientId) {

    public static final String ANONYMOUS = "anonymous";

    public ChatCommand(String requestId, Surface surface, List<ChatMessage> messages, @Nullable String provider,
            @Nullable String model, @Nullable Integer maxTokens, @Nullable Double temperature, boolean fallback,
            @Nullable String preferredProvider, boolean modelFallback) {
        this(requestId, surface, messages, provider, model, maxTokens, temperature, fallback, preferredProvider,
                modelFallback, ANONYMOUS);
    }

    public ChatCommand(String requestId, Surface surface, List<ChatMessage> messages, @Nullable String provider,
            @Nullable String model, @Nullable Integer maxTokens, @Nullable Double temperature, boolean fallback) {
        this(requestId, surface, messages, provider, model, maxTokens, temperature, fallback, null, false);
    }

    public ChatCommand(String requestId, Surface surface, List<ChatMessage> messages, @Nullable String provider,
            @Nullable String model, @Nullable Integer maxTokens, @Nullable Double temperature, boolean fallback,
            @Nullable String preferredProvider) {
        this(requestId, surface, messages, provider, model, maxTokens, temperature, fallback, preferredProvider, false);
    }

    public ChatCommand {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(surface, "surface");
        messages = List.copyOf(messages);
        clientId = clientId == null ? ANONYMOUS : clientId;
    }

    /** The same command, sent by this client. */
    public ChatCommand withClient(String client) {
        return new ChatCommand(requestId, surface, messages, provider, model, maxTokens, temperature, fallback,
                preferredProvider, modelFallback, client);
    }

    /** Total characters of all messages; used to estimate prompt tokens when a provider reports none. */
    public int promptChars() {
        int n = 0;
        for (ChatMessage m : messages) {
            n += m.content().length();
        }
        return n;
    }
}
