package dev.switchboard.api;

import dev.switchboard.observability.PublicError;
import dev.switchboard.support.LogContext;
import dev.switchboard.web.RequestIdFilter;
import dev.switchboard.web.RequestIds;
import java.util.ArrayList;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.handler.ExceptionHandlingWebHandler;
import reactor.core.publisher.Mono;

/**
 * Sends the JSON error answer that {@link ErrorAnswers} decides for any exception that reaches WebFlux, in
 * OpenAI's shape, or in Anthropic's for {@code /v1/messages} (whose clients are Anthropic SDKs). It
 * also serves streams that failed before their first chunk: WebFlux has not committed the response then,
 * so the stream's 200 and {@code text/event-stream} are replaced by a plain JSON error.
 */
@Component
@Order(-2)
public class ApiErrorHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    private final ErrorAnswers answers;

    public ApiErrorHandler(ErrorAnswers answers) {
        this.answers = answers;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        ServerHttpResponse response = exchange.getResponse();
        String requestId = RequestIds.of(exchange);
        ErrorAnswers.Answer answer;
        try (LogContext ignored = LogContext.open(requestId, response.getHeaders().getFirst(RequestIdFilter.TRACE_HEADER))) {
            if (response.isCommitted()) {
                log.debug("Error after the response was committed: {}", error.toString());
                return Mono.error(error);
            }
            answer = ErrorAnswers.of(error, requestId);
        }
        // what the server span and http.server.requests record of the failure: status, type and code, not the
        // exception, whose message may quote the request (a key pasted into a malformed body)
        exchange.getAttributes().put(ExceptionHandlingWebHandler.HANDLED_WEB_EXCEPTION,
                PublicError.answered(answer.status(), answer.type(), answer.code()));
        HttpHeaders headers = response.getHeaders();
        for (String name : new ArrayList<>(headers.headerNames())) {
            if (name.toLowerCase(Locale.ROOT).startsWith("x-switchboard-")) {
                headers.remove(name);
            }
        }
        headers.remove(HttpHeaders.CONTENT_LENGTH);
        headers.setContentType(MediaType.APPLICATION_JSON);
        if (answer.retryAfterSeconds() > 0) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(answer.retryAfterSeconds()));
        }
        response.setStatusCode(HttpStatusCode.valueOf(answer.status()));
        byte[] body = exchange.getRequest().getPath().pathWithinApplication().value().equals(ErrorAnswers.ANTHROPIC_SHAPED)
                ? answers.anthropicJson(answer, requestId) : answers.json(answer, requestId);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
