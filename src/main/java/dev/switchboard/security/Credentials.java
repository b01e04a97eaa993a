package dev.switchboard.security;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The secret a request presents: {@code Authorization: Bearer <secret>} (what the OpenAI SDKs send),
 * {@code x-api-key} (Anthropic style), or, on GET requests only, the query parameter {@code access_token}
 * for browsers, which cannot set headers on a WebSocket handshake or an {@code EventSource}. Chat POSTs
 * never take it from the URL, where it would end up in histories and proxy logs.
 */
final class Credentials {

    static final String QUERY_PARAMETER = "access_token";
    private static final String BEARER = "bearer ";

    private Credentials() {
    }

    static @Nullable String of(ServerHttpRequest request) {
        HttpHeaders headers = request.getHeaders();
        String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            String value = authorization.trim();
            // another scheme (Basic...) is presented as is: it matches nothing and so is refused as invalid
            return value.length() > BEARER.length() && value.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    ? value.substring(BEARER.length()).trim() : value;
        }
        String apiKey = headers.getFirst("x-api-key");
        if (apiKey != null) {
            return apiKey.trim();
        }
        if (HttpMethod.GET.equals(request.getMethod())) {
            return request.getQueryParams().getFirst(QUERY_PARAMETER);
        }
        return null;
    }
}
