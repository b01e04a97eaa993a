package dev.switchboard.web;

import java.util.List;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.handler.ExceptionHandlingWebHandler;
import reactor.core.publisher.Mono;

/**
 * The application's {@link WebExceptionHandler}s as one: the chain of handlers is built when a request
 * fails, not for every request.
 *
 * <p>Why: Spring's {@code ExceptionHandlingWebHandler} puts a {@code doOnError} and an {@code onErrorResume}
 * around every request for each handler (its own, which adds a checkpoint to a failure, and the three the
 * gateway has: {@code ApiErrorHandler} and Boot's two), whether the request fails or not, and an open stream
 * keeps those operators, their subscribers and lambdas for its whole life. Folded into one, Spring adds two
 * pairs instead of four (docs/PERFORMANCE.md). On a failure the handlers run exactly as Spring runs them: in
 * order, each one seeing the error the previous one left, with the error recorded in
 * {@link ExceptionHandlingWebHandler#HANDLED_WEB_EXCEPTION} before each.
 */
public final class FlatExceptionHandlers implements WebExceptionHandler {

    private final WebExceptionHandler[] handlers;

    public FlatExceptionHandlers(List<WebExceptionHandler> handlers) {
        this.handlers = handlers.toArray(WebExceptionHandler[]::new);
    }

    /** The handlers, in the order they are tried. */
    public List<WebExceptionHandler> handlers() {
        return List.of(handlers);
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        Mono<Void> completion = Mono.error(failure);
        for (WebExceptionHandler handler : handlers) {
            completion = completion
                    .doOnError(error -> exchange.getAttributes().put(ExceptionHandlingWebHandler.HANDLED_WEB_EXCEPTION, error))
                    .onErrorResume(error -> handler.handle(exchange, error));
        }
        return completion;
    }

    @Override
    public String toString() {
        return "FlatExceptionHandlers";
    }
}
