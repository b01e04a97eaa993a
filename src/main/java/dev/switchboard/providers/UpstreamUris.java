package dev.switchboard.providers;

import java.net.URI;

/**
 * Endpoint URIs, built once per transport ({@link UpstreamTransport#uri}): Reactor Netty uses a ready
 * {@link URI} as it is, where a string would be parsed on every request.
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
