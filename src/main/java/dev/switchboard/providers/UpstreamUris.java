package dev.switchboard.providers;

import java.net.URI;

/**
 * Endpoint URIs built once per client. A path given to {@code WebClient.uri(String)} is expanded as a
 * URI template against the base URL on every request; a ready {@link URI} is used as it is.
 */
public final class UpstreamUris {

    private UpstreamUris() {
    }

    /** {@code baseUrl} (with or without a trailing slash) followed by {@code path} (starting with a slash). */
    public static URI resolve(String baseUrl, String path) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return URI.create(base + path);
    }
}
