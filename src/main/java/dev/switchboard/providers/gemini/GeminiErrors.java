package dev.switchboard.providers.gemini;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.RetryHints;
import dev.switchboard.providers.SecretScrubber;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Classifies Gemini errors, {@code {"error":{"code","message","status","details":[...]}}}, from HTTP
 * answers and from {@code data:} events of a 200 stream. The {@code details} entries are matched by the
 * suffix of their {@code @type}, in any order. Defaults follow {@code shared/reference/providers.md}
 * sections 3.5 and 4.
 */
final class GeminiErrors {

    /** OpenAI's code for a prompt over the context window, so every surface reports it the same way. */
    static final String CONTEXT_LENGTH_EXCEEDED = "context_length_exceeded";

    /** A protobuf Duration as JSON: {@code "19s"}, {@code "12.5s"}. */
    private static final Pattern PROTO_DURATION = Pattern.compile("^(\\d+(?:\\.\\d+)?)s$");

    private final JsonMapper json;

    GeminiErrors(JsonMapper json) {
        this.json = json;
    }

    /** An HTTP error answer (non-2xx); the body may be HTML or empty. */
    UpstreamException fromHttp(int status, HttpHeaders headers, byte[] body, ApiKey key, Instant now) {
        JsonNode error = parse(body);
        Duration explicit = RetryHints.explicit(headers, now);
        return exception(status, error, key, explicit);
    }

    /** An error object inside a 200 stream: {@code data: {"error":{"code":500,...,"status":"INTERNAL"}}}. */
    UpstreamException inBand(JsonNode errorNode, ApiKey key) {
        return exception(0, errorNode, key, null);
    }

    private static UpstreamException exception(int httpStatus, JsonNode error, ApiKey key,
            @Nullable Duration headerHint) {
        int status = httpStatus > 0 ? httpStatus : error.path("code").asInt(0);
        String grpcStatus = error.path("status").asString("");
        String rawMessage = error.path("message").isString() ? error.path("message").stringValue() : null;
        String reason = errorInfoReason(error);
        ErrorClass errorClass = classify(status, grpcStatus, reason, rawMessage, error);
        Duration hint = null;
        if (errorClass != ErrorClass.QUOTA_EXCEEDED) {
            // RetryInfo says when to retry a per-minute limit; for a daily or zero quota it would be wrong
            hint = headerHint != null ? headerHint : retryDelay(error);
        }
        String code = isContextOverflow(rawMessage) ? CONTEXT_LENGTH_EXCEEDED
                : reason != null ? reason : grpcStatus.isEmpty() ? null : grpcStatus;
        String message = SecretScrubber.scrub(rawMessage != null ? rawMessage
                : status > 0 ? "HTTP " + status : "upstream stream error", key);
        return new UpstreamException(errorClass, httpStatus, code, message, hint);
    }

    static ErrorClass classify(int status, String grpcStatus, @Nullable String reason, @Nullable String message,
            JsonNode error) {
        String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if ((reason != null && reason.startsWith("API_KEY_")) || lower.contains("api key not valid")
                || lower.contains("api key expired") || status == 401 || grpcStatus.equals("UNAUTHENTICATED")) {
            return ErrorClass.INVALID_KEY;
        }
        // PERMISSION_DENIED and SERVICE_DISABLED: this key cannot serve; FAILED_PRECONDITION: the key's
        // project cannot use the free tier here (region, billing). Another key or provider may work.
        if (status == 403 || grpcStatus.equals("PERMISSION_DENIED") || grpcStatus.equals("FAILED_PRECONDITION")) {
            return ErrorClass.INVALID_KEY;
        }
        if (status == 402) {
            return ErrorClass.QUOTA_EXCEEDED;
        }
        if (status == 429 || grpcStatus.equals("RESOURCE_EXHAUSTED")) {
            return dailyOrZeroQuota(error) ? ErrorClass.QUOTA_EXCEEDED : ErrorClass.RATE_LIMITED;
        }
        if (status == 503 || grpcStatus.equals("UNAVAILABLE")) {
            return ErrorClass.OVERLOADED;
        }
        if (status == 400 || status == 413 || grpcStatus.equals("INVALID_ARGUMENT")) {
            return ErrorClass.BAD_REQUEST;
        }
        if (status == 408) {
            return ErrorClass.TIMEOUT;
        }
        if (status == 404 || grpcStatus.equals("NOT_FOUND")) {
            return ErrorClass.MODEL_NOT_FOUND;
        }
        // 499, 500 INTERNAL, 504 DEADLINE_EXCEEDED
        return ErrorClass.SERVER_ERROR;
    }

    /** A {@code QuotaFailure} violation of a per-day quota, or of a quota that is 0 for this plan and model. */
    private static boolean dailyOrZeroQuota(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            if (!detail.path("@type").asString("").endsWith("google.rpc.QuotaFailure")) {
                continue;
            }
            for (JsonNode violation : detail.path("violations")) {
                String quotaId = violation.path("quotaId").asString("");
                if (quotaId.contains("PerDay") || "0".equals(violation.path("quotaValue").asString(""))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static @Nullable String errorInfoReason(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            if (detail.path("@type").asString("").endsWith("google.rpc.ErrorInfo") && detail.path("reason").isString()) {
                return detail.path("reason").stringValue();
            }
        }
        return null;
    }

    /** {@code RetryInfo.retryDelay}, e.g. {@code "19s"}. */
    static @Nullable Duration retryDelay(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            if (detail.path("@type").asString("").endsWith("google.rpc.RetryInfo")) {
                Matcher m = PROTO_DURATION.matcher(detail.path("retryDelay").asString("").trim());
                if (m.matches()) {
                    return Duration.ofNanos((long) (Double.parseDouble(m.group(1)) * 1e9));
                }
            }
        }
        return null;
    }

    private static boolean isContextOverflow(@Nullable String message) {
        if (message == null) {
            return false;
        }
        String lower = message.toLowerCase(Locale.ROOT);
        return lower.contains("input token count") && lower.contains("exceeds");
    }

    /** The {@code error} object; an error body sometimes comes wrapped in an array. */
    private JsonNode parse(byte[] body) {
        if (body.length == 0 || (body[0] != '{' && body[0] != '[')) {
            return json.createObjectNode();
        }
        try {
            JsonNode root = json.readTree(body);
            if (root.isArray() && !root.isEmpty()) {
                root = root.get(0);
            }
            return root.path("error").isObject() ? root.path("error") : json.createObjectNode();
        } catch (JacksonException notJson) {
            return json.createObjectNode();
        }
    }
}
