package dev.switchboard.api;

import dev.switchboard.chat.CandidatesExhaustedException;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.chat.InvalidRequestException;
import dev.switchboard.chat.MidStreamException;
import dev.switchboard.chat.ModelNotFoundException;
import dev.switchboard.chat.ProviderUnavailableException;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.web.SseFrames;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.databind.exc.JsonNodeException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one place where a failure becomes what a client sees. {@link #of} decides the status, error type,
 * code, message and retry hint for every exception the pipeline and the surfaces throw (routing and the
 * adapters never choose a status); the other methods write that answer in each surface's shape, always with
 * the request id:
 *
 * <ul>
 *   <li>{@link #json}: the JSON error answer ({@link ApiErrorHandler} sends it with the status);
 *   <li>{@link #sseEvent}: the {@code event: error} frame that ends a native SSE stream;
 *   <li>{@link #openAiChunk}: the in-band error chunk that ends an OpenAI-format stream;
 *   <li>{@link #webSocketMessage}: the {@code {"type":"error"}} message of the WebSocket.
 * </ul>
 */
@Component
public class ErrorAnswers {

    private static final Logger log = LoggerFactory.getLogger(ErrorAnswers.class);

    /** The path whose errors are written in Anthropic's shape: {@code POST /v1/messages}. */
    public static final String ANTHROPIC_SHAPED = "/v1/messages";

    /** What the client is told. */
    public record Answer(int status, String type, String code, String message, @Nullable Duration retryAfter,
            @Nullable String param, List<AttemptView> attempts, @Nullable MidStreamException midStream) {

        /** {@code Retry-After} in whole seconds (at least 1), or 0 when there is no hint. */
        public long retryAfterSeconds() {
            if (retryAfter == null) {
                return 0;
            }
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }

        ApiError.Body body(@Nullable String requestId) {
            return new ApiError.Body(message, type, code, param, requestId, attempts.isEmpty() ? null : attempts,
                    midStream == null ? null : midStream.route().provider(),
                    midStream == null ? null : midStream.route().key(),
                    midStream == null ? null : midStream.failure().errorClass());
        }
    }

    private final JsonMapper json;

    public ErrorAnswers(JsonMapper json) {
        this.json = json;
    }

    /** The answer to a failure. Anything unexpected is a logged 500 that names the request id. */
    public static Answer of(Throwable error, @Nullable String requestId) {
        if (error instanceof CandidatesExhaustedException exhausted) {
            return exhausted(exhausted);
        }
        if (error instanceof ProviderUnavailableException unavailable) {
            return unavailable.reason() == ProviderUnavailableException.Reason.AT_CONCURRENCY_LIMIT
                    ? answer(429, "rate_limit_error", "provider_busy", unavailable.getMessage(), Duration.ofSeconds(1))
                    : answer(503, "service_unavailable", "provider_unavailable", unavailable.getMessage(), null);
        }
        if (error instanceof ModelNotFoundException missing) {
            return new Answer(404, "invalid_request_error", "model_not_found", missing.getMessage(), null, "model",
                    List.of(), null);
        }
        if (error instanceof InvalidRequestException invalid) {
            return new Answer(400, "invalid_request_error", invalid.code(), invalid.getMessage(), null, invalid.param(),
                    List.of(), null);
        }
        if (error instanceof GatewayException gateway) {
            return answer(gateway.status(), gateway.type(), gateway.code(), gateway.getMessage(), gateway.retryAfter());
        }
        if (error instanceof UpstreamException upstream) {
            return rejectedByProvider(upstream);
        }
        if (error instanceof MidStreamException mid) {
            return new Answer(502, "upstream_error", "stream_interrupted",
                    "The upstream stream failed after it started: " + mid.failure().getMessage(), null, null, List.of(),
                    mid);
        }
        if (error instanceof JsonNodeException) {
            // a value read from a parsed body that has no Java form (a number out of range): the client's fault
            return answer(400, "invalid_request_error", "invalid_type",
                    "A value in the request has the wrong type or is out of range.", null);
        }
        if (error instanceof InvalidMediaTypeException) {
            return answer(400, "invalid_request_error", "invalid_content_type",
                    "The Content-Type header is not a valid media type.", null);
        }
        if (error instanceof DataBufferLimitException || error instanceof ResponseStatusException status
                && status.getCause() instanceof DataBufferLimitException) {
            return answer(413, "invalid_request_error", "request_too_large", "The request body is too large.", null);
        }
        if (error instanceof ResponseStatusException status) {
            int code = status.getStatusCode().value();
            return answer(code, code >= 500 ? "server_error" : "invalid_request_error", codeName(code), reason(status),
                    null);
        }
        log.error("Unexpected error in request {}", requestId, error);
        return answer(500, "server_error", "internal_error",
                "Internal error; quote request id " + requestId + " when reporting it.", null);
    }

    /** The JSON error answer's body. */
    public byte[] json(Answer answer, @Nullable String requestId) {
        return json.writeValueAsBytes(new ApiError(answer.body(requestId)));
    }

    /** {@code event: error} with the error body: the last frame of a native SSE stream that broke. */
    public DataBuffer sseEvent(DataBufferFactory buffers, Throwable error, @Nullable String requestId) {
        return SseFrames.event(buffers, "error", json(of(error, requestId), requestId));
    }

    /**
     * OpenAI's in-band error chunk ({@code data: {"error":{...}}}), sent as an {@code event: error} frame: the
     * official SDKs raise on the {@code error} field either way, and clients that only look at the event name
     * (LangChain4j) see it too instead of taking a broken stream for a finished one. No {@code [DONE]} follows.
     */
    public DataBuffer openAiChunk(DataBufferFactory buffers, Throwable error, @Nullable String requestId) {
        return SseFrames.event(buffers, "error", json(of(error, requestId), requestId));
    }

    /**
     * The same answer in Anthropic's error shape, for {@code /v1/messages}:
     * {@code {"type":"error","error":{"type","message"},"request_id"}}.
     */
    public byte[] anthropicJson(Answer answer, @Nullable String requestId) {
        Map<String, Object> error = new LinkedHashMap<>(3);
        error.put("type", anthropicType(answer));
        error.put("message", answer.message());
        error.put("code", answer.code());
        Map<String, Object> out = new LinkedHashMap<>(3);
        out.put("type", "error");
        out.put("error", error);
        out.put("request_id", requestId);
        return json.writeValueAsBytes(out);
    }

    /** {@code event: error} in Anthropic's shape: the last event of an Anthropic stream that broke. */
    public DataBuffer anthropicEvent(DataBufferFactory buffers, Throwable error, @Nullable String requestId) {
        return SseFrames.event(buffers, "error", anthropicJson(of(error, requestId), requestId));
    }

    /** Anthropic's error types by status ({@code https://docs.anthropic.com/en/api/errors}). */
    private static String anthropicType(Answer answer) {
        return switch (answer.status()) {
            case 400, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> "api_error";
        };
    }

    /** {@code {"type":"error","id":...,"error":{...}}}: the WebSocket's answer to a failed or refused request. */
    public Map<String, Object> webSocketMessage(@Nullable String id, Throwable error, @Nullable String requestId) {
        return webSocketMessage(id, of(error, requestId), requestId);
    }

    /** The WebSocket error message for an answer decided on the socket itself (bad message, rate). */
    public Map<String, Object> webSocketMessage(@Nullable String id, Answer answer, @Nullable String requestId) {
        Map<String, Object> out = new LinkedHashMap<>(4);
        out.put("type", "error");
        out.put("id", id);
        out.put("error", answer.body(requestId));
        return out;
    }

    /** An answer with no attempts, parameter or stream. */
    public static Answer answer(int status, String type, String code, String message, @Nullable Duration retryAfter) {
        return new Answer(status, type, code, message, retryAfter, null, List.of(), null);
    }

    /**
     * Every candidate failed or none could be tried. Path B whose keys were all turned away by limits
     * should come back later (429 with the retry hint); otherwise the gateway is unavailable (503), or out of
     * time (504).
     */
    private static Answer exhausted(CandidatesExhaustedException e) {
        int status = switch (e.reason()) {
            case DEADLINE_EXCEEDED -> 504;
            case NO_USABLE_KEY -> 429;
            case NO_USABLE_PROVIDER, ALL_PROVIDERS_FAILED, NO_VALID_KEY -> 503;
            case ALL_KEYS_FAILED -> e.onlyLimits() && e.retryAfter() != null ? 429 : 503;
        };
        String type = status == 504 ? "timeout_error" : status == 429 ? "rate_limit_error" : "service_unavailable";
        return new Answer(status, type, e.code(), e.getMessage(), e.retryAfter(), null, ApiError.views(e.attempts()),
                null);
    }

    /** The provider refused the request itself (validation, context length): its 4xx, not a gateway fault. */
    private static Answer rejectedByProvider(UpstreamException upstream) {
        int status = upstream.status() >= 400 && upstream.status() < 500 && upstream.status() != 429
                ? upstream.status() : 400;
        String code = upstream.upstreamCode() != null ? upstream.upstreamCode() : "upstream_rejected_request";
        return answer(status, "invalid_request_error", code, "The provider rejected the request: " + upstream.getMessage(),
                null);
    }

    private static String reason(ResponseStatusException e) {
        HttpStatus status = HttpStatus.resolve(e.getStatusCode().value());
        String text = e.getReason() != null ? e.getReason() : status != null ? status.getReasonPhrase() : "Error";
        return status == HttpStatus.NOT_FOUND ? "Not found. See the README for the endpoints." : text;
    }

    private static String codeName(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "http_" + status : known.name().toLowerCase(Locale.ROOT);
    }
}
