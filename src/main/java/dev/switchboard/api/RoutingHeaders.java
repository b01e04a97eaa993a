package dev.switchboard.api;

import dev.switchboard.chat.CacheStatus;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.StreamEvent;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

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

    /**
     * For streams: the route is only known once the probe committed, which is exactly when WebFlux
     * commits the response, so the headers are added in a before-commit action.
     */
    public static AtomicReference<Committed> onCommit(ServerHttpResponse response) {
        AtomicReference<Committed> holder = new AtomicReference<>();
        response.beforeCommit(() -> Mono.fromRunnable(() -> {
            Committed committed = holder.get();
            if (committed != null) {
                set(response.getHeaders(), committed.route(), committed.attempts(), committed.cache());
            }
        }));
        return holder;
    }

    public record Committed(RouteInfo route, int attempts, CacheStatus cache) {

        public Committed(StreamEvent.Committed committed) {
            this(committed.route(), committed.cache() == CacheStatus.HIT ? 0 : committed.attempts().size() + 1,
                    committed.cache());
        }
    }
}
