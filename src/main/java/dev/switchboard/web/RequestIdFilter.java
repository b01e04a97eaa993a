package dev.switchboard.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every exchange an {@code X-Request-Id} (the caller's, when usable) on the response from the start.
 * Anthropic-format answers ({@code /v1/messages}) carry it as {@code request-id} too, the header Anthropic
 * sends and its SDKs read into their errors.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestIdFilter implements WebFilter {

    private static final String ANTHROPIC_PATH = "/v1/messages";
    private static final String ANTHROPIC_HEADER = "request-id";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String id = RequestIds.acceptOrCreate(exchange.getRequest().getHeaders().getFirst(RequestIds.HEADER));
        exchange.getAttributes().put(RequestIds.ATTRIBUTE, id);
        exchange.getResponse().getHeaders().set(RequestIds.HEADER, id);
        if (exchange.getRequest().getPath().value().startsWith(ANTHROPIC_PATH)) {
            exchange.getResponse().getHeaders().set(ANTHROPIC_HEADER, id);
        }
        return chain.filter(exchange);
    }
}
