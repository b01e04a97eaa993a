package dev.switchboard.providers;

import dev.switchboard.keys.ApiKey;
import dev.switchboard.providers.openai.OpenAiClient;
import java.time.Clock;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the HTTP client of each wire format. Every client starts from the one upstream
 * {@link WebClient.Builder}, so they all share its connection pool, and carries its key in a default
 * header.
 */
public final class HttpClientFactory implements ProviderClients.Factory {

    /** Longest SSE line accepted from an upstream before the stream is cut off. */
    static final int MAX_LINE_BYTES = 1 << 20;

    private final WebClient.Builder base;
    private final JsonMapper json;
    private final Clock clock;

    public HttpClientFactory(WebClient.Builder base, JsonMapper json, Clock clock) {
        this.base = base;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public ProviderClient create(Provider provider, ApiKey key) {
        return switch (provider.format()) {
            case OPENAI -> new OpenAiClient(webClient(provider, HttpHeaders.AUTHORIZATION, "Bearer " + key.secret()),
                    key, json, clock, MAX_LINE_BYTES, keyCheckPath(provider));
        };
    }

    /** OpenRouter's models list needs no key, so it cannot tell a bad key from a good one. */
    private static String keyCheckPath(Provider provider) {
        return provider.baseUrl().contains("openrouter.ai") ? "/key" : "/models";
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
