package dev.switchboard.providers.http;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClient;
import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.anthropic.AnthropicClient;
import dev.switchboard.providers.anthropic.AnthropicRequests;
import dev.switchboard.providers.gemini.GeminiClient;
import dev.switchboard.providers.gemini.GeminiRequests;
import dev.switchboard.providers.openai.OpenAiClient;
import dev.switchboard.providers.openai.OpenAiRequests;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the HTTP client of each wire format. Every client starts from the one upstream
 * {@link WebClient.Builder}, so they all share its connection pool, and carries its key in a default
 * header: {@code Authorization: Bearer} (OpenAI family), {@code x-api-key} plus
 * {@code anthropic-version} (Anthropic), {@code x-goog-api-key} (Gemini; never the {@code ?key=} query
 * form, which would leave the key in URLs and access logs).
 */
public final class HttpClientFactory implements ProviderClients.Factory {

    /** Longest SSE line accepted from an upstream before the stream is cut off. */
    static final int MAX_LINE_BYTES = 1 << 20;

    /** The Messages API version this adapter is written against; the API requires the header. */
    static final String ANTHROPIC_VERSION = "2023-06-01";

    private final WebClient.Builder base;
    private final JsonMapper json;
    private final Clock clock;
    private final Map<Transport, WebClient> transports = new ConcurrentHashMap<>();

    public HttpClientFactory(WebClient.Builder base, JsonMapper json, Clock clock) {
        this.base = base;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public ProviderClient create(Provider provider, ApiKey key) {
        return switch (provider.format()) {
            case OPENAI -> new OpenAiClient(webClient(provider, HttpHeaders.AUTHORIZATION, "Bearer " + key.secret()),
                    provider.baseUrl(), key, json, clock, MAX_LINE_BYTES, keyCheckPath(provider));
            case ANTHROPIC -> new AnthropicClient(webClient(provider, "x-api-key", key.secret(),
                    "anthropic-version", ANTHROPIC_VERSION), provider.baseUrl(), key, json, clock, MAX_LINE_BYTES);
            case GEMINI -> new GeminiClient(webClient(provider, "x-goog-api-key", key.secret()),
                    key, json, clock, MAX_LINE_BYTES);
        };
    }

    @Override
    public List<String> unsupported(WireFormat format, ChatCommand command) {
        return switch (format) {
            case OPENAI -> OpenAiRequests.unsupported(command);
            case ANTHROPIC -> AnthropicRequests.unsupported(command);
            case GEMINI -> GeminiRequests.unsupported(command);
        };
    }

    /** OpenRouter's models list needs no key, so it cannot tell a bad key from a good one. */
    private static String keyCheckPath(Provider provider) {
        return provider.baseUrl().contains("openrouter.ai") ? "/key" : "/models";
    }

    /**
     * The transport for these headers: one {@link WebClient} per (base URL, headers), built the first time
     * and shared by every client made for it afterwards, cached (Path A) or on demand (Path B). Building
     * a WebClient costs about as much as a whole proxied request, so an on-demand client is a new adapter
     * object (model, request state) over a transport that already exists.
     */
    private WebClient webClient(Provider provider, String... requiredHeaders) {
        Transport transport = new Transport(provider.baseUrl(), provider.headers(), List.of(requiredHeaders));
        WebClient known = transports.get(transport);
        return known != null ? known : transports.computeIfAbsent(transport, this::build);
    }

    /**
     * Configured extra headers first, so they can never replace the key or the API version. Every request
     * body is JSON, so the content type is a default too: a header set per request makes WebClient copy
     * all the defaults into a new map for that request.
     */
    private WebClient build(Transport transport) {
        return base.clone()
                .baseUrl(transport.baseUrl())
                .defaultHeaders(headers -> {
                    transport.headers().forEach(headers::set);
                    headers.setContentType(MediaType.APPLICATION_JSON);
                    List<String> required = transport.requiredHeaders();
                    for (int i = 0; i < required.size(); i += 2) {
                        headers.set(required.get(i), required.get(i + 1));
                    }
                })
                .build();
    }

    /** What makes two transports the same (the key is in the required headers; held in memory only). */
    private record Transport(String baseUrl, Map<String, String> headers, List<String> requiredHeaders) {

        @Override
        public String toString() {
            return "Transport[" + baseUrl + "]";
        }
    }
}
