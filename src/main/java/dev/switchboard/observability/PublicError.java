package dev.switchboard.observability;

/**
 * A failure as a span records it, never the exception itself: its message or stack may quote the request
 * (a key pasted into a malformed body ends up in a parser's message, and even the answer to a bad request
 * quotes the value it refuses). Stackless, with no cause; the OpenTelemetry {@code exception} event then holds
 * this and nothing else.
 */
public final class PublicError extends RuntimeException {

    private final String code;

    private PublicError(String code, String message) {
        super(code + ": " + message, null, false, false);
        this.code = code;
    }

    /** A request's failure: its status, error type and code, none of the message. */
    public static PublicError answered(int status, String type, String code) {
        return new PublicError(code, status + " " + type);
    }

    /**
     * An upstream attempt's failure, with its message: the classified, scrubbed one the request log and the
     * client's list of attempts show too.
     */
    public static PublicError upstream(String code, String scrubbedMessage) {
        return new PublicError(code, scrubbedMessage);
    }

    /** The error's code ({@code invalid_key}, {@code model_not_found}...), the span's {@code error.type}. */
    public String code() {
        return code;
    }
}
