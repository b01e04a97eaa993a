package dev.switchboard.chat;

/**
 * The provider a request names cannot take it now: its circuit is open, or it is at its concurrency
 * limit. Path A never sees this (it moves on to another provider); Path B has no other provider.
 */
public final class ProviderUnavailableException extends RuntimeException {

    /** Why the provider is unavailable. */
    public enum Reason {
        /** The circuit breaker is open: the provider has been failing. */
        CIRCUIT_OPEN,
        /** The bulkhead is full: as many calls as allowed are running. */
        AT_CONCURRENCY_LIMIT
    }

    private final String provider;
    private final Reason reason;

    public ProviderUnavailableException(String provider, Reason reason, String message) {
        super(message, null, false, false);
        this.provider = provider;
        this.reason = reason;
    }

    public String provider() {
        return provider;
    }

    public Reason reason() {
        return reason;
    }
}
