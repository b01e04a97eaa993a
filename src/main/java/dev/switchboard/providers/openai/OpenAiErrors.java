package dev.switchboard.providers.openai;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.RetryHints;
import dev.switchboard.providers.SecretScrubber;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Classifies OpenAI-family error answers (OpenAI, OpenRouter, Groq, Cerebras, xAI): nested
 * {@code {"error":{...}}} bodies, Cerebras' flat body, xAI's {@code {"code","error"}} body, and HTML
 * pages from proxies. Defaults follow {@code shared/reference/providers.md} section 4.
 */
final class OpenAiErrors {

    private final JsonMapper json;

    OpenAiErrors(JsonMapper json) {
        this.json = json;
    }

    /** An HTTP error answer (non-2xx). */
    UpstreamException fromHttp(int status, HttpHeaders headers, byte[] body, ApiKey key, Instant now) {
        ErrorBody error = parse(body);
        String message = SecretScrubber.scrub(error.message != null ? error.message : "HTTP " + status, key);
        ErrorClass errorClass = classify(status, error, message);
        String code = error.flagged ? "content_filter" : error.code != null ? error.code : error.type;
        return new UpstreamException(errorClass, status, code, message, hint(errorClass, headers, error, now));
    }

    /** An error object inside a 200 stream (or a JSON error body where a stream was expected). */
    UpstreamException inBand(JsonNode errorNode, ApiKey key, Instant now) {
        ErrorBody error = fromNode(errorNode);
        String message = SecretScrubber.scrub(error.message != null ? error.message : "upstream stream error", key);
        int status = error.numericCode;
        ErrorClass errorClass = status > 0 ? classify(status, error, message) : ErrorClass.SERVER_ERROR;
        if (status == 0 && isRateLimit(error)) {
            errorClass = ErrorClass.RATE_LIMITED;
        }
        return new UpstreamException(errorClass, status, error.code != null ? error.code : error.type, message,
                hint(errorClass, new HttpHeaders(), error, now));
    }

    /**
     * Section 5 of the reference: {@code retry-after-ms} or {@code retry-after} when present (the server
     * said exactly). Otherwise the longest of the body hints (OpenRouter's
     * {@code metadata.headers.X-RateLimit-Reset}, "try again in 1.5s") and the exhausted
     * {@code x-ratelimit-reset-*} window: "try again in 84ms" about tokens does not help when the
     * requests window is empty for six more minutes (conformance case 5). A quota is not over in seconds
     * whatever a retry header says, so it carries only a hint that marks when the quota resets
     * (OpenRouter's reset time), else none and the key manager applies its long quota cooldown.
     */
    private static @Nullable Duration hint(ErrorClass errorClass, HttpHeaders headers, ErrorBody error, Instant now) {
        Duration resetAt = error.resetEpochMillis > 0
                ? RetryHints.until(now, Instant.ofEpochMilli(error.resetEpochMillis)) : null;
        if (errorClass == ErrorClass.QUOTA_EXCEEDED) {
            return resetAt;
        }
        Duration explicit = RetryHints.explicit(headers, now);
        if (explicit != null) {
            return explicit;
        }
        return longest(longest(resetAt, RetryHints.fromMessage(error.message)), RetryHints.resetWindow(headers));
    }

    private static @Nullable Duration longest(@Nullable Duration a, @Nullable Duration b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) >= 0 ? a : b;
    }

    private static ErrorClass classify(int status, ErrorBody error, String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        String code = error.code == null ? "" : error.code.toLowerCase(Locale.ROOT);
        String type = error.type == null ? "" : error.type.toLowerCase(Locale.ROOT);
        boolean quotaCode = type.equals("insufficient_quota") || code.equals("insufficient_quota")
                || code.endsWith("spend_limit_exceeded") || code.equals("credit_balance_exhausted");
        if (status == 401 || code.contains("invalid_api_key") || code.equals("wrong_api_key")
                || lower.contains("incorrect api key") || lower.contains("invalid api key")) {
            return ErrorClass.INVALID_KEY;
        }
        if (quotaCode || status == 402) {
            return ErrorClass.QUOTA_EXCEEDED;
        }
        if (status == 404 || code.equals("model_not_found")) {
            return ErrorClass.MODEL_NOT_FOUND;
        }
        if (error.flagged) {
            // OpenRouter's moderation 403: the input was refused, the key is fine
            return ErrorClass.BAD_REQUEST;
        }
        return switch (status) {
            case 403 -> lower.contains("credits") ? ErrorClass.QUOTA_EXCEEDED : ErrorClass.INVALID_KEY;
            case 429 -> {
                if (lower.contains("request too large")) {
                    yield ErrorClass.BAD_REQUEST;
                }
                boolean perDay = lower.contains("per-day") || lower.contains("per day")
                        || lower.contains("(rpd)") || lower.contains("(tpd)");
                yield perDay ? ErrorClass.QUOTA_EXCEEDED : ErrorClass.RATE_LIMITED;
            }
            case 408 -> ErrorClass.TIMEOUT;
            case 400, 413, 422 -> ErrorClass.BAD_REQUEST;
            // 503 "engine overloaded" / OpenRouter "no provider available", Groq 498 flex capacity:
            // the provider's capacity, not the key's fault
            case 498, 503 -> ErrorClass.OVERLOADED;
            default -> ErrorClass.SERVER_ERROR;
        };
    }

    private static boolean isRateLimit(ErrorBody error) {
        return "rate_limit_exceeded".equals(error.code) || "429".equals(error.code);
    }

    private ErrorBody parse(byte[] body) {
        if (body.length == 0 || body[0] != '{') {
            return new ErrorBody();
        }
        try {
            JsonNode root = json.readTree(body);
            JsonNode nested = root.path("error");
            if (nested.isObject()) {
                return fromNode(nested);
            }
            ErrorBody flat = fromNode(root);
            if (flat.message == null && nested.isString()) {
                flat.message = nested.stringValue();
            }
            if (flat.message == null && root.path("detail").isString()) {
                flat.message = root.path("detail").stringValue();
            }
            return flat;
        } catch (JacksonException notJson) {
            return new ErrorBody();
        }
    }

    private static ErrorBody fromNode(JsonNode node) {
        ErrorBody body = new ErrorBody();
        if (node.isString()) {
            body.message = node.stringValue();
            return body;
        }
        body.message = text(node.path("message"));
        body.type = text(node.path("type"));
        JsonNode code = node.path("code");
        body.code = text(code);
        if (code.isNumber()) {
            body.numericCode = code.asInt();
        }
        body.flagged = node.path("metadata").has("flagged_input") || node.path("metadata").has("reasons");
        JsonNode reset = node.path("metadata").path("headers").path("X-RateLimit-Reset");
        if (reset.isNumber() || reset.isString()) {
            body.resetEpochMillis = parseLong(reset.asString());
        }
        return body;
    }

    private static @Nullable String text(JsonNode node) {
        if (node.isString()) {
            return node.stringValue();
        }
        if (node.isNumber()) {
            return node.asString();
        }
        return null;
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static final class ErrorBody {
        @Nullable String message;
        @Nullable String type;
        @Nullable String code;
        int numericCode;
        /** OpenRouter: {@code error.metadata.headers.X-RateLimit-Reset}, epoch milliseconds. */
        long resetEpochMillis;
        /** OpenRouter's moderation: {@code error.metadata} names {@code reasons} / {@code flagged_input}. */
        boolean flagged;
    }
}
