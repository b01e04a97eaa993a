package dev.switchboard.chat;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A failure the client should see as an OpenAI-style error: an HTTP status, an error {@code type} and
 * {@code code}, and a message. Stackless: these are expected outcomes, not bugs.
 */
public class GatewayException extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;
    private final @Nullable Duration retryAfter;

    public GatewayException(int status, String type, String code, String message, @Nullable Duration retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** A 400 {@code invalid_request_error}. */
    public static GatewayException badRequest(String code, String message) {
        return new GatewayException(400, "invalid_request_error", code, message, null);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public @Nullable Duration retryAfter() {
        return retryAfter;
    }
}
