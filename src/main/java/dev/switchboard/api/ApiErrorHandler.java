package dev.switchboard.api;

import dev.switchboard.chat.AllCandidatesFailedException;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.web.RequestIds;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The only place where exceptions become HTTP answers, always in the OpenAI error shape. It also serves
 * streams that failed before their first chunk: WebFlux has not committed the response then, so the
 * stream's 200 and {@code text/event-stream} are replaced by a plain JSON error.
 */
@Component
@Order(-2)
public class ApiErrorHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    private final JsonMapper json;

    public ApiErrorHandler(JsonMapper json) {
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            log.debug("Error after the response was committed: {}", error.toString());
            return Mono.error(error);
        }
        String requestId = RequestIds.of(exchange);
        Mapped mapped = map(error, requestId);
        HttpHeaders headers = response.getHeaders();
        for (String name : new java.util.ArrayList<>(headers.headerNames())) {
            if (name.toLowerCase(java.util.Locale.ROOT).startsWith("x-switchboard-")) {
                headers.remove(name);
            }
        }
        headers.remove(HttpHeaders.CONTENT_LENGTH);
        headers.setContentType(MediaType.APPLICATION_JSON);
        if (mapped.retryAfterSeconds > 0) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(mapped.retryAfterSeconds));
        }
        response.setStatusCode(HttpStatusCode.valueOf(mapped.status));
        DataBuffer body = response.bufferFactory().wrap(json.writeValueAsBytes(mapped.body));
        return response.writeWith(Mono.just(body));
    }

    private Mapped map(Throwable error, String requestId) {
        if (error instanceof AllCandidatesFailedException failed) {
            return new Mapped(failed.status(), ApiError.of(failed.getMessage(), failed.type(), failed.code(), requestId,
                    ApiError.views(failed.attempts())), seconds(failed));
        }
        if (error instanceof GatewayException gateway) {
            return new Mapped(gateway.status(), ApiError.of(gateway.getMessage(), gateway.type(), gateway.code(),
                    requestId, List.of()), seconds(gateway));
        }
        if (error instanceof UpstreamException upstream) {
            int status = upstream.status() >= 400 && upstream.status() < 500 && upstream.status() != 429
                    ? upstream.status() : 400;
            String code = upstream.upstreamCode() != null ? upstream.upstreamCode() : "upstream_rejected_request";
            return new Mapped(status, ApiError.of("The provider rejected the request: " + upstream.getMessage(),
                    "invalid_request_error", code, requestId, List.of()), 0);
        }
        if (error instanceof InvalidMediaTypeException) {
            return new Mapped(400, ApiError.of("The Content-Type header is not a valid media type.",
                    "invalid_request_error", "invalid_content_type", requestId, List.of()), 0);
        }
        if (error instanceof DataBufferLimitException) {
            return new Mapped(413, ApiError.of("The request body is too large.", "invalid_request_error",
                    "request_too_large", requestId, List.of()), 0);
        }
        if (error instanceof ResponseStatusException status) {
            int code = status.getStatusCode().value();
            if (status.getCause() instanceof DataBufferLimitException) {
                return new Mapped(413, ApiError.of("The request body is too large.", "invalid_request_error",
                        "request_too_large", requestId, List.of()), 0);
            }
            return new Mapped(code, ApiError.of(reason(status), code >= 500 ? "server_error" : "invalid_request_error",
                    codeName(code), requestId, List.of()), 0);
        }
        log.error("Unexpected error in request {}", requestId, error);
        return new Mapped(500, ApiError.of("Internal error; quote request id " + requestId + " when reporting it.",
                "server_error", "internal_error", requestId, List.of()), 0);
    }

    private static String reason(ResponseStatusException e) {
        HttpStatus status = HttpStatus.resolve(e.getStatusCode().value());
        String text = e.getReason() != null ? e.getReason() : status != null ? status.getReasonPhrase() : "Error";
        return status == HttpStatus.NOT_FOUND ? "Not found. See the README for the endpoints." : text;
    }

    private static String codeName(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "http_" + status : known.name().toLowerCase();
    }

    private static long seconds(GatewayException e) {
        if (e.retryAfter() == null) {
            return 0;
        }
        long ms = e.retryAfter().toMillis();
        return Math.max(1, (ms + 999) / 1000);
    }

    private record Mapped(int status, ApiError body, long retryAfterSeconds) {
    }
}
