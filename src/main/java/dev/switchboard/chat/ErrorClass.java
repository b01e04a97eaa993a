package dev.switchboard.chat;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What went wrong with one upstream attempt, and therefore what the router does next. The wire name
 * ({@link #code()}) appears in attempts lists, logs, metrics and stored rows.
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
    BAD_REQUEST("bad_request", false),
    /**
     * The provider does not know the model (OpenAI {@code model_not_found}, Anthropic
     * {@code not_found_error}, Gemini {@code NOT_FOUND}): a typo or a model the provider dropped. No key,
     * circuit or daily counter is charged; Path B answers 404 at once, Path A skips the provider.
     */
    MODEL_NOT_FOUND("model_not_found", false),
    /** The client went away after the stream was committed: no fault of the key or the provider. */
    CANCELLED("cancelled", false),
    /** Not an attempt: the request waited for a cooling key to come back (shown among the attempts). */
    WAITED("waited", false),
    /**
     * Not a failure: a hedged attempt whose rival delivered content first, so the gateway cancelled it (its
     * connection closed). No fault of the key or the provider: no cooldown, no circuit count.
     */
    HEDGED_OUT("hedged_out", false);

    private final String code;
    private final boolean movesOn;

    ErrorClass(String code, boolean movesOn) {
        this.code = code;
        this.movesOn = movesOn;
    }

    @JsonValue
    public String code() {
        return code;
    }

    /** The wire name, so an attempts summary or a log line reads {@code rate_limited}. */
    @Override
    public String toString() {
        return code;
    }

    /** Whether the request should move on to another key or provider after this error. */
    public boolean movesOn() {
        return movesOn;
    }

    /**
     * Trouble of the provider rather than of the key or the request (server errors, network errors,
     * timeouts, overload): it counts towards the provider's circuit, and the same provider is tried again
     * only after a backoff.
     */
    public boolean providerTrouble() {
        return this == SERVER_ERROR || this == NETWORK || this == TIMEOUT || this == OVERLOADED;
    }

    /** A limit of the key's account (rate or quota): the key is fine, only spent for now. */
    public boolean limit() {
        return this == RATE_LIMITED || this == QUOTA_EXCEEDED;
    }
}
