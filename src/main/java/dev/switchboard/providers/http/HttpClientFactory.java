package dev.switchboard.providers.http;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClient;
import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.UpstreamClients;
import dev.switchboard.providers.UpstreamTransport;
import dev.switchboard.providers.anthropic.AnthropicClient;
import dev.switchboard.providers.anthropic.AnthropicRequests;
import dev.switchboard.providers.gemini.GeminiClient;
import dev.switchboard.providers.gemini.GeminiRequests;
import dev.switchboard.providers.openai.OpenAiClient;
import dev.switchboard.providers.openai.OpenAiRequests;
import dev.switchboard.providers.sse.EndMarker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the HTTP client of each wire format. Every client runs on the one set of upstream clients
 * ({@link UpstreamClients}: a connection pool per event loop), over an {@link UpstreamTransport} that
 * carries its key in a fixed header: {@code Authorization: Bearer} (OpenAI family), {@code x-api-key} plus
 * {@code anthropic-version} (Anthropic), {@code x-goog-api-key} (Gemini; never the {@code ?key=} query
 * form, which would leave the key in URLs and access logs).
 */
public final class HttpClientFactory implements ProviderClients.Factory {

    /** Longest SSE line accepted from an upstream before the stream is cut off. */
    static final int MAX_LINE_BYTES = 1 << 20;

    /** The Messages API version this adapter is written against; the API requires the header. */
    static final String ANTHROPIC_VERSION = "2023-06-01";

    private static final String AUTHORIZATION = "Authorization";

    private final UpstreamClients clients;
    private final long maxBodyBytes;
    private final EndMarker endMarker;
    private final JsonMapper json;
    private final Clock clock;
    private final Map<Transport, UpstreamTransport> transports = new ConcurrentHashMap<>();
    /** The transport of each (provider, key) as last seen, so making a client builds no lookup key. */
    private final Map<String, Map<String, Bound>> bound = new ConcurrentHashMap<>();

    /**
     * @param clients the upstream HTTP clients (in production {@link EventLoopLocalConnector})
     * @param maxBodyBytes {@code switchboard.routing.max-stream-bytes}: the cap on every upstream body
     * @param endMarker how long a stream's body may stay open after its end marker or an in-band error
     */
    public HttpClientFactory(UpstreamClients clients, long maxBodyBytes, EndMarker endMarker, JsonMapper json,
            Clock clock) {
        this.clients = clients;
        this.maxBodyBytes = maxBodyBytes;
        this.endMarker = endMarker;
        this.json = json;
        this.clock = clock;
    }

    /** Path A calls this once per (provider, key), Path B once per request: no parsing, no header building. */
    @Override
    public ProviderClient create(Provider provider, ApiKey key) {
        UpstreamTransport transport = transport(provider, key);
        return switch (provider.format()) {
            case OPENAI -> new OpenAiClient(transport, key, json, clock, MAX_LINE_BYTES, endMarker,
                    keyCheckPath(provider));
            case ANTHROPIC -> new AnthropicClient(transport, key, json, clock, MAX_LINE_BYTES, endMarker);
            case GEMINI -> new GeminiClient(transport, key, json, clock, MAX_LINE_BYTES);
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
     * The transport of this (provider, key): found by name and alias, and still valid while the provider and
     * key are the same objects (a configuration change makes new ones, and then the transport is looked up
     * again). The header set and endpoint URIs are the transport's, built once, so an on-demand client is a
     * new adapter object over a transport that already exists.
     */
    private UpstreamTransport transport(Provider provider, ApiKey key) {
        Map<String, Bound> keys = bound.get(provider.name());
        Bound known = keys == null ? null : keys.get(key.alias());
        if (known != null && known.provider() == provider && known.key() == key) {
            return known.transport();
        }
        UpstreamTransport transport = switch (provider.format()) {
            case OPENAI -> transport(provider, AUTHORIZATION, "Bearer " + key.secret());
            case ANTHROPIC -> transport(provider, "x-api-key", key.secret(), "anthropic-version", ANTHROPIC_VERSION);
            case GEMINI -> transport(provider, "x-goog-api-key", key.secret());
        };
        bound.computeIfAbsent(provider.name(), name -> new ConcurrentHashMap<>())
                .put(key.alias(), new Bound(provider, key, transport));
        return transport;
    }

    /**
     * The transport for these headers: one per (base URL, headers), built the first time and shared by every
     * (provider, key) that needs the same, cached (Path A) or on demand (Path B).
     */
    private UpstreamTransport transport(Provider provider, String... requiredHeaders) {
        Transport transport = new Transport(provider.baseUrl(), provider.headers(), List.of(requiredHeaders));
        UpstreamTransport known = transports.get(transport);
        return known != null ? known : transports.computeIfAbsent(transport, this::build);
    }

    /**
     * Configured extra headers first, so they can never replace the key or the API version. Every request
     * body is JSON, so the content type is a fixed header too.
     */
    private UpstreamTransport build(Transport transport) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(transport.headers().entrySet());
        headers.add(Map.entry("Content-Type", "application/json"));
        List<String> required = transport.requiredHeaders();
        for (int i = 0; i < required.size(); i += 2) {
            headers.add(Map.entry(required.get(i), required.get(i + 1)));
        }
        return new UpstreamTransport(clients, transport.baseUrl(), headers, maxBodyBytes);
    }

    /** A (provider, key) and its transport; the key is held in memory only. */
    private record Bound(Provider provider, ApiKey key, UpstreamTransport transport) {
    }

    /** What makes two transports the same (the key is in the required headers; held in memory only). */
    private record Transport(String baseUrl, Map<String, String> headers, List<String> requiredHeaders) {

        @Override
        public String toString() {
            return "Transport[" + baseUrl + "]";
        }
    }
}
