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
 * @param tools functions the model may call (empty when none)
 * @param toolChoice whether and which tool must be called; null when not given
 * @param responseFormat the form of the answer; null when not given (text)
 * @param formatOptional the response format is a wish, not a demand: a provider that cannot honour it gets
 *     the request without it (the Task API, which checks the answer itself); otherwise it is refused
 * @param options the other generation parameters
 * @param passthrough the client's body, relayed to providers of the same wire format; null for the
 *     native surfaces
 * @param cache what the request lets the response cache do
 * @param route Path A only: providers to try first and the order to use (a task type's routing); null: the
 *     global order
 * @param hints hedging and prompt-cache affinity wishes ({@link RouteHints#NONE} for the defaults)
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
        String clientId,
        List<Tool> tools,
        @Nullable ToolChoice toolChoice,
        @Nullable ResponseFormat responseFormat,
        boolean formatOptional,
        GenerationOptions options,
        @Nullable Passthrough passthrough,
        CacheDirective cache,
        @Nullable RoutePreference route,
        RouteHints hints) {

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
        tools = List.copyOf(tools);
        options = options == null ? GenerationOptions.NONE : options;
        cache = cache == null ? CacheDirective.DEFAULT : cache;
        hints = hints == null ? RouteHints.NONE : hints;
    }

    /** The same command, sent by this client. */
    public ChatCommand withClient(String client) {
        return toBuilder().client(client).build();
    }

    /** A builder holding this command's values. */
    public Builder toBuilder() {
        return builder(requestId, surface, messages).provider(provider).model(model).maxTokens(maxTokens)
                .temperature(temperature).fallback(fallback).preferredProvider(preferredProvider)
                .modelFallback(modelFallback).client(clientId).tools(tools).toolChoice(toolChoice)
                .responseFormat(responseFormat, formatOptional).options(options).passthrough(passthrough)
                .cache(cache).route(route).hints(hints);
    }

    /**
     * This command without what it asks: no messages, no tools, no relayed body. What a request whose stream
     * has committed still needs of its command (its id, client, surface, route settings) to be booked and
     * logged; its {@link #images()} and {@link #promptChars()} read 0 ({@code RequestRun} keeps them).
     */
    public ChatCommand withoutPrompt() {
        return new ChatCommand(requestId, surface, List.of(), provider, model, maxTokens, temperature, fallback,
                preferredProvider, modelFallback, clientId, List.of(), toolChoice, responseFormat, formatOptional,
                options, null, cache, route, hints);
    }

    /** Images in all messages. */
    public int images() {
        int n = 0;
        for (ChatMessage m : messages) {
            n += m.images();
        }
        return n;
    }

    /** Total characters of all messages; used to estimate prompt tokens when a provider reports none. */
    public int promptChars() {
        int n = 0;
        for (ChatMessage m : messages) {
            n += m.content().length();
            for (ToolCall call : m.toolCalls()) {
                n += call.name().length() + call.arguments().length();
            }
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
        private List<Tool> tools = List.of();
        private @Nullable ToolChoice toolChoice;
        private @Nullable ResponseFormat responseFormat;
        private boolean formatOptional;
        private GenerationOptions options = GenerationOptions.NONE;
        private @Nullable Passthrough passthrough;
        private CacheDirective cache = CacheDirective.DEFAULT;
        private @Nullable RoutePreference route;
        private RouteHints hints = RouteHints.NONE;

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

        public Builder tools(List<Tool> tools) {
            this.tools = tools;
            return this;
        }

        public Builder toolChoice(@Nullable ToolChoice toolChoice) {
            this.toolChoice = toolChoice;
            return this;
        }

        /** The form of the answer; {@code optional}: a provider that cannot honour it gets the request without it. */
        public Builder responseFormat(@Nullable ResponseFormat responseFormat, boolean optional) {
            this.responseFormat = responseFormat;
            this.formatOptional = optional;
            return this;
        }

        public Builder responseFormat(@Nullable ResponseFormat responseFormat) {
            return responseFormat(responseFormat, false);
        }

        public Builder options(GenerationOptions options) {
            this.options = options;
            return this;
        }

        /** The client's body, for providers of its wire format. */
        public Builder passthrough(@Nullable Passthrough passthrough) {
            this.passthrough = passthrough;
            return this;
        }

        /** What the response cache may do with this request. */
        public Builder cache(CacheDirective cache) {
            this.cache = cache;
            return this;
        }

        /** Path A: providers to try first and the order to use (a task type's routing). */
        public Builder route(@Nullable RoutePreference route) {
            this.route = route;
            return this;
        }

        /** Hedging and affinity wishes. */
        public Builder hints(RouteHints hints) {
            this.hints = hints;
            return this;
        }

        /** {@code "hedge": false} (or true): hedging off (or on) for this request; null: the default. */
        public Builder hedge(@Nullable Boolean hedge) {
            this.hints = hints.withHedge(hedge);
            return this;
        }

        /** An explicit affinity key (a conversation or session id); null or blank: none. */
        public Builder affinityKey(@Nullable String key) {
            this.hints = hints.withAffinityKey(key == null || key.isBlank() ? null : key);
            return this;
        }

        public ChatCommand build() {
            return new ChatCommand(requestId, surface, messages, provider, model, maxTokens, temperature, fallback,
                    preferredProvider, modelFallback, clientId, tools, toolChoice, responseFormat, formatOptional,
                    options, passthrough, cache, route, hints);
        }
    }
}
