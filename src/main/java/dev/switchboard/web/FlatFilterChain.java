package dev.switchboard.web;

import java.util.List;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The gateway's web filters run as one {@link WebFilter}: each filter's {@code chain.filter} calls the next
 * directly.
 *
 * <p>Why: Spring's {@code DefaultWebFilterChain} wraps every filter of every request in a {@code Mono.defer} and a
 * {@code checkpoint} whose description is built as a new string from the filter's class name, so each filter
 * costs an operator, a snapshot object and a string per request whether it does any work or not
 * (docs/PERFORMANCE.md). The filters keep their order and their contract: a filter that answers by itself
 * does not call the chain, and the next filter starts when the previous one calls {@code chain.filter}.
 */
public final class FlatFilterChain implements WebFilter {

    /**
     * Short and constant: Spring's chain asks for it on every request, for the checkpoint it puts around this
     * filter, and Reactor builds a new {@code checkpoint("…")} string from it each time, which an open stream keeps
     * (listing the filters made that string about 300 bytes; {@link #filters()} lists them).
     */
    private static final String DESCRIPTION = "FlatFilterChain";

    private final WebFilter[] filters;

    public FlatFilterChain(List<WebFilter> filters) {
        this.filters = filters.toArray(WebFilter[]::new);
    }

    /** The filters, in the order they run. */
    public List<WebFilter> filters() {
        return List.of(filters);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return filters.length == 0 ? chain.filter(exchange) : filters[0].filter(exchange, new Link(1, chain));
    }

    /** The rest of the chain after filter {@code index - 1}. */
    private final class Link implements WebFilterChain {

        private final int index;
        private final WebFilterChain end;

        Link(int index, WebFilterChain end) {
            this.index = index;
            this.end = end;
        }

        /** A filter that throws instead of returning an error still fails its request the reactive way. */
        @Override
        public Mono<Void> filter(ServerWebExchange exchange) {
            try {
                return index < filters.length ? filters[index].filter(exchange, new Link(index + 1, end))
                        : end.filter(exchange);
            } catch (RuntimeException e) {
                return Mono.error(e);
            }
        }
    }

    @Override
    public String toString() {
        return DESCRIPTION;
    }
}
