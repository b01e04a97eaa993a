package dev.switchboard.providers.anthropic;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.RetryHints;
import dev.switchboard.providers.SecretScrubber;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Classifies Anthropic errors: HTTP answers with {@code {"type":"error","error":{"type","message"}}} and
 * {@code event: error} inside a 200 stream. Defaults follow {@code shared/reference/providers.md}
 * sections 2.5 and 4.
 */
final class AnthropicErrors {

    /** OpenAI's code for a prompt over the context window, so every surface reports it the same way. */
    static final String CONTEXT_LENGTH_EXCEEDED = "context_length_exceeded";

    private static final String[] LIMIT_KINDS = {"requests", "tokens", "input-tokens", "output-tokens"};

    private final JsonMapper json;

    AnthropicErrors(JsonMapper json) {
        this.json = json;
    }

    /** An HTTP error answer (non-2xx); the body may be HTML from a proxy (e.g. a 413 from Cloudflare). */
    UpstreamException fromHttp(int status, HttpHeaders headers, byte[] body, ApiKey key, Instant now) {
        ErrorBody error = parse(body);
        ErrorClass errorClass = classify(status, error);
        Duration hint = errorClass == ErrorClass.QUOTA_EXCEEDED ? null : retryHint(headers, now);
        return exception(errorClass, status, error, key, hint);
    }

    /** An {@code event: error} inside a 200 stream, or an error object where a stream was expected. */
    UpstreamException inBand(JsonNode root, ApiKey key) {
        ErrorBody error = fromNode(root.path("error").isObject() ? root.path("error") : root);
        return exception(classify(0, error), 0, error, key, null);
    }

    private static UpstreamException exception(ErrorClass errorClass, int status, ErrorBody error, ApiKey key,
            @Nullable Duration hint) {
        String message = SecretScrubber.scrub(error.message != null ? error.message
                : status > 0 ? "HTTP " + status : "upstream stream error", key);
        String code = isContextOverflow(error) ? CONTEXT_LENGTH_EXCEEDED
                : error.errorCode != null ? error.errorCode : error.type;
        return new UpstreamException(errorClass, status, code, message, hint);
    }

    /**
     * Quota is checked before the generic 400/429 rules because Anthropic reports an empty credit balance
     * as a 400 {@code invalid_request_error} and a monthly spend cap as a 429 {@code rate_limit_error}.
     */
    static ErrorClass classify(int status, ErrorBody error) {
        String type = error.type == null ? "" : error.type;
        String lower = error.message == null ? "" : error.message.toLowerCase(Locale.ROOT);
        if (status == 401 || status == 403 || type.equals("authentication_error") || type.equals("permission_error")) {
            return ErrorClass.INVALID_KEY;
        }
        if (status == 402 || type.equals("billing_error") || "enforced_spend_limit_reached".equals(error.errorCode)
                || lower.contains("credit balance is too low") || lower.contains("spend limit")) {
            return ErrorClass.QUOTA_EXCEEDED;
        }
        if (status == 529 || type.equals("overloaded_error")) {
            return ErrorClass.OVERLOADED;
        }
        if (status == 429 || type.equals("rate_limit_error")) {
            return ErrorClass.RATE_LIMITED;
        }
        if (status == 400 || status == 413 || status == 422 || type.equals("invalid_request_error")
                || type.equals("request_too_large")) {
            return ErrorClass.BAD_REQUEST;
        }
        if (status == 408) {
            return ErrorClass.TIMEOUT;
        }
        if (status == 404 || type.equals("not_found_error")) {
            return ErrorClass.MODEL_NOT_FOUND;
        }
        // 409, 500 api_error, 504 timeout_error, unknown types:
        // not the request's fault as far as we can tell, so another candidate may serve it.
        return ErrorClass.SERVER_ERROR;
    }

    private static boolean isContextOverflow(ErrorBody error) {
        return error.message != null && error.message.toLowerCase(Locale.ROOT).contains("prompt is too long");
    }

    /**
     * {@code retry-after-ms} / {@code retry-after} first; without them the latest
     * {@code anthropic-ratelimit-*-reset} (RFC 3339) among the windows whose {@code remaining} is 0.
     */
    static @Nullable Duration retryHint(HttpHeaders headers, Instant now) {
        Duration explicit = RetryHints.explicit(headers, now);
        if (explicit != null) {
            return explicit;
        }
        Duration longest = null;
        for (String kind : LIMIT_KINDS) {
            String remaining = headers.getFirst("anthropic-ratelimit-" + kind + "-remaining");
            String reset = headers.getFirst("anthropic-ratelimit-" + kind + "-reset");
            if (remaining == null || !remaining.trim().equals("0") || reset == null) {
                continue;
            }
            try {
                Duration d = RetryHints.until(now, OffsetDateTime.parse(reset.trim()).toInstant());
                if (longest == null || d.compareTo(longest) > 0) {
                    longest = d;
                }
            } catch (DateTimeParseException ignored) {
                // an unreadable reset header is no hint
            }
        }
        return longest;
    }

    private ErrorBody parse(byte[] body) {
        if (body.length == 0 || body[0] != '{') {
            return new ErrorBody();
        }
        try {
            JsonNode root = json.readTree(body);
            return fromNode(root.path("error").isObject() ? root.path("error") : root);
        } catch (JacksonException notJson) {
            return new ErrorBody();
        }
    }

    private static ErrorBody fromNode(JsonNode error) {
        ErrorBody body = new ErrorBody();
        body.type = error.path("type").isString() ? error.path("type").stringValue() : null;
        body.message = error.path("message").isString() ? error.path("message").stringValue() : null;
        JsonNode code = error.path("details").path("error_code");
        body.errorCode = code.isString() ? code.stringValue() : null;
        return body;
    }

    /** The fields of Anthropic's error envelope that classification looks at. */
    static final class ErrorBody {
        @Nullable String type;
        @Nullable String message;
        /** {@code error.details.error_code}, e.g. {@code enforced_spend_limit_reached} [U exact JSON]. */
        @Nullable String errorCode;
    }
}
