package dev.switchboard.chat;

/**
 * What went wrong with one upstream attempt, and therefore what the router does next. The wire name
 * ({@link #code()}) appears in attempts lists, logs and metrics.
 */
public enum ErrorClass {
    RATE_LIMITED("rate_limited", true),
    INVALID_KEY("invalid_key", true),
    QUOTA_EXCEEDED("quota_exceeded", true),
    SERVER_ERROR("server_error", true),
    /** The provider as a whole is overloaded (Anthropic 529, 503 "overloaded"): not the key's fault. */
    OVERLOADED("overloaded", true),
    NETWORK("network", true),
    TIMEOUT("timeout", true),
    /** The request itself is wrong (validation, context length, content filter): no retry anywhere. */
    BAD_REQUEST("bad_request", false);

    private final String code;
    private final boolean movesOn;

    ErrorClass(String code, boolean movesOn) {
        this.code = code;
        this.movesOn = movesOn;
    }

    public String code() {
        return code;
    }

    /** Whether the request should move on to another key or provider after this error. */
    public boolean movesOn() {
        return movesOn;
    }
}
