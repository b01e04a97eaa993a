package dev.switchboard.providers;

import dev.switchboard.keys.ApiKey;
import dev.switchboard.providers.openai.OpenAiClient;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates provider clients. Path A uses {@link #cached}: one client per (provider, key), built once
 * and reused. Path B uses {@link #onDemand}: a fresh client for the request's model, not kept. Both
 * share one connection pool (the {@link WebClient.Builder} they start from).
 */
public final class ProviderClients {

    /** Longest SSE line accepted from an upstream before the stream is cut off. */
    static final int MAX_LINE_BYTES = 1 << 20;

    private final WebClient.Builder base;
    private final JsonMapper json;
    private final Clock clock;
    private final Map<String, ProviderClient> cache = new ConcurrentHashMap<>();

    public ProviderClients(WebClient.Builder base, JsonMapper json, Clock clock) {
        this.base = base;
        this.json = json;
        this.clock = clock;
    }

    /** Path A: the cached client of this (provider, key). */
    public ProviderClient cached(Provider provider, ApiKey key) {
        return cache.computeIfAbsent(provider.name() + '\u0000' + key.alias(), id -> create(provider, key));
    }

    /** Path B: a client made for this request only. */
    public ProviderClient onDemand(Provider provider, ApiKey key) {
        return create(provider, key);
    }

    /** Number of cached clients (for tests and metrics). */
    public int cachedCount() {
        return cache.size();
    }

    private ProviderClient create(Provider provider, ApiKey key) {
        return switch (provider.format()) {
            case OPENAI -> new OpenAiClient(webClient(provider, HttpHeaders.AUTHORIZATION, "Bearer " + key.secret()),
                    key, json, clock, MAX_LINE_BYTES);
        };
    }

    private WebClient webClient(Provider provider, String authHeader, String authValue) {
        return base.clone()
                .baseUrl(provider.baseUrl())
                .defaultHeaders(headers -> {
                    provider.headers().forEach(headers::set);
                    headers.set(authHeader, authValue);
                })
                .build();
    }
}
