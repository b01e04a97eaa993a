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

    /** A command with the required parts; everything else is set on the builder. */
    public static Builder builder(String requestId, Surface surface, List<ChatMessage> messages) {
        return new Builder(requestId, surface, messages);
    }

    public ChatCommand {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(surface, "surface");
        messages = List.copyOf(messages);
        clientId = clientId == null ? ANONYMOUS : clientId;
    }

    /** The same command, sent by this client. */
    public ChatCommand withClient(String client) {
        return toBuilder().client(client).build();
    }

    /** A builder holding this command's values. */
    public Builder toBuilder() {
        return builder(requestId, surface, messages).provider(provider).model(model).maxTokens(maxTokens)
                .temperature(temperature).fallback(fallback).preferredProvider(preferredProvider)
                .modelFallback(modelFallback).client(clientId);
    }

    /** Total characters of all messages; used to estimate prompt tokens when a provider reports none. */
    public int promptChars() {
        int n = 0;
        for (ChatMessage m : messages) {
            n += m.content().length();
        }
        return n;
    }

    /** Builds a {@link ChatCommand}: fallback on, no model fallback, anonymous client unless set. */
    public static final class Builder {

        private final String requestId;
        private final Surface surface;
        private final List<ChatMessage> messages;
        private @Nullable String provider;
        private @Nullable String model;
        private @Nullable Integer maxTokens;
        private @Nullable Double temperature;
        private boolean fallback = true;
        private @Nullable String preferredProvider;
        private boolean modelFallback;
        private String clientId = ANONYMOUS;

        private Builder(String requestId, Surface surface, List<ChatMessage> messages) {
            this.requestId = requestId;
            this.surface = surface;
            this.messages = messages;
        }

        /** Path B on this provider (with its default model unless a model is named too). */
        public Builder provider(@Nullable String provider) {
            this.provider = provider;
            return this;
        }

        /** Path B with this model; null, blank or {@code auto} (without a provider) is Path A. */
        public Builder model(@Nullable String model) {
            this.model = model;
            return this;
        }

        public Builder maxTokens(@Nullable Integer maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder temperature(@Nullable Double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** False makes a single attempt. */
        public Builder fallback(boolean fallback) {
            this.fallback = fallback;
            return this;
        }

        /** Path A: this provider first, then the normal order. */
        public Builder preferredProvider(@Nullable String preferredProvider) {
            this.preferredProvider = preferredProvider;
            return this;
        }

        /** Path B: the provider's next model by priority once the named one is at its daily limit. */
        public Builder modelFallback(boolean modelFallback) {
            this.modelFallback = modelFallback;
            return this;
        }

        public Builder client(String clientId) {
            this.clientId = clientId;
            return this;
        }

        public ChatCommand build() {
            return new ChatCommand(requestId, surface, messages, provider, model, maxTokens, temperature, fallback,
                    preferredProvider, modelFallback, clientId);
        }
    }
}
