package dev.switchboard.chat;

import org.jspecify.annotations.Nullable;

/**
 * The request cannot be served as it was asked: it names a model or provider that is not configured, or
 * asks for something no candidate can honour. Found while routing, before any upstream call; the client
 * has to change the request.
 *
 * @see GatewayException for refusals whose status the surface chooses itself
 */
public final class InvalidRequestException extends RuntimeException {

    private final String code;
    private final @Nullable String param;

    public InvalidRequestException(String code, String message) {
        this(code, message, null);
    }

    /** @param param the request field at fault, when there is one */
    public InvalidRequestException(String code, String message, @Nullable String param) {
        super(message, null, false, false);
        this.code = code;
        this.param = param;
    }

    public String code() {
        return code;
    }

    public @Nullable String param() {
        return param;
    }
}
