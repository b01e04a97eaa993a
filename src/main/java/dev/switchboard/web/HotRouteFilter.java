package dev.switchboard.web;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.codec.HttpMessageReader;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The chat surfaces every client calls, answered as the last filter instead of through Spring's dispatcher.
 *
 * <p>Why: for each request the dispatcher asks every handler mapping in turn (the actuator's first), walks the
 * composed router functions and their predicates, wraps the result in a {@code HandlerResult}, looks up its
 * result handler and adds checkpoints; for a handful of exact paths a map lookup does the same
 * (docs/PERFORMANCE.md). Everything before the handler is unchanged: the filters (request id, security, CORS,
 * body limit, timers) run first, and errors go to the one error handler as before. The attributes the router
 * would set (the request, the matched pattern, the observation's path pattern) are set here too.
 */
public final class HotRouteFilter implements WebFilter, Ordered {

    private final Map<HttpMethod, Map<String, HotRoute>> routes = new HashMap<>();
    private final List<HttpMessageReader<?>> readers;
    private final ServerResponse.Context context;

    public HotRouteFilter(List<HotRoute> routes, ServerCodecConfigurer codecs) {
        for (HotRoute route : routes) {
            if (this.routes.computeIfAbsent(route.method(), m -> new HashMap<>()).put(route.path(), route) != null) {
                throw new IllegalArgumentException("two hot routes for " + route.method() + " " + route.path());
            }
        }
        this.readers = codecs.getReaders();
        List<HttpMessageWriter<?>> writers = codecs.getWriters();
        this.context = new ServerResponse.Context() {
            @Override
            public List<HttpMessageWriter<?>> messageWriters() {
                return writers;
            }

            @Override
            public List<ViewResolver> viewResolvers() {
                return List.of();
            }
        };
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Map<String, HotRoute> paths = routes.get(exchange.getRequest().getMethod());
        HotRoute route = paths == null ? null : paths.get(exchange.getRequest().getPath().pathWithinApplication().value());
        if (route == null) {
            return chain.filter(exchange);
        }
        ServerRequest request = ServerRequest.create(exchange, readers);
        Map<String, Object> attributes = exchange.getAttributes();
        attributes.put(RouterFunctions.REQUEST_ATTRIBUTE, request);
        attributes.put(RouterFunctions.MATCHING_PATTERN_ATTRIBUTE, route.pattern());
        ServerRequestObservationContext.findCurrent(attributes)
                .ifPresent(observation -> observation.setPathPattern(route.path()));
        return route.handler().handle(request).flatMap(response -> response.writeTo(exchange, context));
    }
}
