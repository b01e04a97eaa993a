package dev.switchboard.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.handler.ExceptionHandlingWebHandler;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * {@code http.server.requests} when tracing is off: the same timer, with Spring's tag names ({@code method},
 * {@code uri}, {@code status}, {@code outcome}, {@code exception}), recorded by one filter step into timers
 * built once per tag set.
 *
 * <p>Why not Spring's observation: with no tracer behind it, it is a metric only, and at saturation it cost
 * 5–7 % of the gateway's CPU (an observation context, key-value conventions, a long-task timer and a timer
 * lookup through the builder on every request; docs/PERFORMANCE.md). With tracing on, the observation also
 * makes the server span, so it stays and this filter is not installed.
 *
 * <p>A failed request is recorded when its error answer is committed: the status is set by the one error
 * handler, which runs after the filters.
 */
public final class ServerRequestTimers implements WebFilter, Ordered {

    static final String NAME = "http.server.requests";

    private final MeterRegistry registry;
    private final Map<Tags, Timer> timers = new ConcurrentHashMap<>();

    public ServerRequestTimers(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long start = System.nanoTime();
        return chain.filter(exchange).doFinally(signal -> ended(exchange, start, signal));
    }

    private void ended(ServerWebExchange exchange, long start, SignalType signal) {
        ServerHttpResponse response = exchange.getResponse();
        if (signal == SignalType.ON_ERROR && !response.isCommitted()) {
            // the error handler has not answered yet: record once it has
            response.beforeCommit(() -> {
                record(exchange, start, SignalType.ON_ERROR);
                return Mono.empty();
            });
            return;
        }
        record(exchange, start, signal);
    }

    private void record(ServerWebExchange exchange, long start, SignalType signal) {
        HttpStatusCode code = exchange.getResponse().getStatusCode();
        int status = code == null ? 200 : code.value();
        Tags tags = new Tags(exchange.getRequest().getMethod().name(), uri(exchange, status), status,
                exception(exchange), signal == SignalType.CANCEL);
        Timer timer = timers.get(tags);
        if (timer == null) {
            timer = timers.computeIfAbsent(tags, this::timer);
        }
        timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private Timer timer(Tags tags) {
        return Timer.builder(NAME)
                .description("HTTP server request processing time")
                .tag("method", tags.method())
                .tag("uri", tags.uri())
                .tag("status", tags.cancelled() ? "CLIENT_ERROR" : Integer.toString(tags.status()))
                .tag("outcome", tags.cancelled() ? "UNKNOWN" : outcome(tags.status()))
                .tag("exception", tags.exception())
                .register(registry);
    }

    /** The route's pattern; never the raw path (unbounded: ids, probes). */
    private static String uri(ServerWebExchange exchange, int status) {
        Object pattern = exchange.getAttribute(RouterFunctions.MATCHING_PATTERN_ATTRIBUTE);
        if (pattern == null) {
            pattern = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        }
        if (pattern instanceof PathPattern path) {
            return path.getPatternString();
        }
        if (status == 404) {
            return "NOT_FOUND";
        }
        return status >= 300 && status < 400 ? "REDIRECTION" : "UNKNOWN";
    }

    /** What the error handler recorded of a failure (its {@link PublicError}), or {@code none}. */
    private static String exception(ServerWebExchange exchange) {
        @Nullable Object handled = exchange.getAttribute(ExceptionHandlingWebHandler.HANDLED_WEB_EXCEPTION);
        return handled == null ? "none" : handled.getClass().getSimpleName();
    }

    private static String outcome(int status) {
        if (status < 200) {
            return "INFORMATIONAL";
        }
        if (status < 300) {
            return "SUCCESS";
        }
        if (status < 400) {
            return "REDIRECTION";
        }
        return status < 500 ? "CLIENT_ERROR" : "SERVER_ERROR";
    }

    private record Tags(String method, String uri, int status, String exception, boolean cancelled) {
    }
}
