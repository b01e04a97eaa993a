package dev.switchboard.api;

import dev.switchboard.chat.CacheStatus;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.StreamEvent;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;

/** The {@code x-switchboard-*} response headers that say who answered. */
public final class RoutingHeaders {

    public static final String CACHE = "x-switchboard-cache";

    private RoutingHeaders() {
    }

    public static void set(HttpHeaders headers, RouteInfo route, int attempts) {
        set(headers, route, attempts, CacheStatus.NONE);
    }

    /** With {@code x-switchboard-cache} ({@code hit}, {@code miss} or {@code bypass}) when the cache took part. */
    public static void set(HttpHeaders headers, RouteInfo route, int attempts, CacheStatus cache) {
        String status = cache.header();
        if (status != null) {
            headers.set(CACHE, status);
        }
        headers.set("x-switchboard-provider", route.provider());
        headers.set("x-switchboard-key", route.key());
        headers.set("x-switchboard-model", route.model());
        headers.set("x-switchboard-path", route.path().code());
        headers.set("x-switchboard-attempts", Integer.toString(attempts));
    }

    /** A stream's headers, set once it commits ({@link ForStream}). */
    public static ForStream forStream(ServerHttpResponse response) {
        return new ForStream(response);
    }

    /**
     * A stream's {@code x-switchboard-*} headers. The route is known only once the probe committed; the stream's
     * first frame, which makes WebFlux commit the response, comes right after, so the headers are set straight
     * on the response then.
     *
     * <p>Why not in a {@code beforeCommit} action: with one, WebFlux builds a concatenation of its commit actions
     * (an iterable, a map, a {@code concatMap}, a peek, and a walk up the subscriber chain for the context) at
     * every stream's commit, on the first content's way to the client (docs/PERFORMANCE.md).
     *
     * <p>Not thread-safe: a stream's events, and a connection's frames, are signalled one at a time.
     */
    public static final class ForStream {

        private final ServerHttpResponse response;
        private boolean set;

        private ForStream(ServerHttpResponse response) {
            this.response = response;
        }

        /** Sets the headers for the route the stream committed to (the first time, and only before the commit). */
        public void committed(StreamEvent.Committed committed) {
            if (set || response.isCommitted()) {
                return;
            }
            set = true;
            RoutingHeaders.set(response.getHeaders(), committed.route(),
                    committed.cache() == CacheStatus.HIT ? 0 : committed.attempts().size() + 1, committed.cache());
        }
    }
}
