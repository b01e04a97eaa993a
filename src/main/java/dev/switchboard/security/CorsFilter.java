package dev.switchboard.security;

import dev.switchboard.chat.GatewayException;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.cors.reactive.DefaultCorsProcessor;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * CORS for browser clients, per origin ({@code switchboard.security.cors.allowed-origins}). It runs
 * before authentication, so preflights (which carry no credentials) are answered here. A cross-origin
 * request from an origin not on the list is refused with a 403 in the usual error shape; that includes
 * WebSocket handshakes and {@code EventSource} streams, whose {@code Origin} header is checked the same
 * way (a page on another site cannot open a socket here). Same-origin pages and clients that send no
 * {@code Origin} (SDKs, curl) are not affected.
 */
final class CorsFilter implements WebFilter, Ordered {

    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    private final CorsConfiguration config;
    private final DefaultCorsProcessor processor = new DefaultCorsProcessor();

    CorsFilter(SecurityProperties.Cors cors) {
        CorsConfiguration c = new CorsConfiguration();
        c.setAllowedOrigins(cors.allowedOrigins());
        c.setAllowedMethods(List.of("GET", "POST", "DELETE", "OPTIONS"));
        // Last-Event-ID, Prefer and x-switchboard-resumable: resumable streams (a page on another origin)
        c.setAllowedHeaders(List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE, "x-api-key", "X-Request-Id",
                "Last-Event-ID", "Prefer", "x-switchboard-resumable"));
        c.setExposedHeaders(List.of("X-Request-Id", HttpHeaders.RETRY_AFTER, "x-switchboard-provider",
                "x-switchboard-key", "x-switchboard-model", "x-switchboard-path", "x-switchboard-attempts"));
        c.setAllowCredentials(false);
        c.setMaxAge(cors.maxAge());
        this.config = c;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!CorsUtils.isCorsRequest(exchange.getRequest())) {
            return chain.filter(exchange);
        }
        if (!processor.process(config, exchange)) {
            String origin = exchange.getRequest().getHeaders().getOrigin();
            return Mono.error(new GatewayException(403, "permission_error", "origin_not_allowed", "The origin '"
                    + (origin == null ? "" : abbreviate(origin)) + "' may not call this gateway (see "
                    + "switchboard.security.cors.allowed-origins).", null));
        }
        return CorsUtils.isPreFlightRequest(exchange.getRequest()) ? Mono.empty() : chain.filter(exchange);
    }

    private static String abbreviate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
