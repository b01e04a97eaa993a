package dev.switchboard.chat;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A classified failure of one upstream attempt. Stackless: it is thrown on every failed attempt and
 * its stack would only ever point into Reactor internals. The message is already scrubbed of secrets.
 */
public final class UpstreamException extends RuntimeException {

    private final ErrorClass errorClass;
    private final int status;
    private final @Nullable String upstreamCode;
    private final @Nullable Duration retryAfter;

    public UpstreamException(ErrorClass errorClass, int status, @Nullable String upstreamCode,
            String message, @Nullable Duration retryAfter) {
        super(message, null, false, false);
        this.errorClass = errorClass;
        this.status = status;
        this.upstreamCode = upstreamCode;
        this.retryAfter = retryAfter;
    }

    public static UpstreamException of(ErrorClass errorClass, String message) {
        return new UpstreamException(errorClass, 0, null, message, null);
    }

    public ErrorClass errorClass() {
        return errorClass;
    }

    /** HTTP status of the upstream answer, 0 when there was none (network, timeout, in-band error). */
    public int status() {
        return status;
    }

    /** The provider's own error code or type, e.g. {@code context_length_exceeded}. */
    public @Nullable String upstreamCode() {
        return upstreamCode;
    }

    /** The provider's retry hint, when it gave one. */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }
}
