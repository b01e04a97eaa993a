package dev.switchboard.web;

import dev.switchboard.observability.RequestTraces;
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
 * sends and its SDKs read into their errors. With tracing on, {@code X-Trace-Id} comes next to it: the trace
 * of the exchange's server span (the caller's, when it sent a {@code traceparent}), which is tagged with the
 * request id.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestIdFilter implements WebFilter {

    public static final String TRACE_HEADER = "X-Trace-Id";
    private static final String ANTHROPIC_PATH = "/v1/messages";
    private static final String ANTHROPIC_HEADER = "request-id";

    private final RequestTraces traces;

    public RequestIdFilter(RequestTraces traces) {
        this.traces = traces;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String id = RequestIds.acceptOrCreate(exchange.getRequest().getHeaders().getFirst(RequestIds.HEADER));
        exchange.getAttributes().put(RequestIds.ATTRIBUTE, id);
        exchange.getResponse().getHeaders().set(RequestIds.HEADER, id);
        if (exchange.getRequest().getPath().value().startsWith(ANTHROPIC_PATH)) {
            exchange.getResponse().getHeaders().set(ANTHROPIC_HEADER, id);
        }
        String traceId = traces.serverSpan(exchange, id);
        if (traceId != null) {
            exchange.getResponse().getHeaders().set(TRACE_HEADER, traceId);
        }
        return chain.filter(exchange);
    }
}
