package dev.switchboard.chat;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
/** Every candidate failed before any content reached the client: a plain error answer, with the attempts. */
public final class AllCandidatesFailedException extends GatewayException {

    private final List<Attempt> attempts;

    public AllCandidatesFailedException(int status, String code, String message, List<Attempt> attempts,
            @Nullable Duration retryAfter) {
        super(status, status == 504 ? "timeout_error" : status == 429 ? "rate_limit_error" : "service_unavailable",
                code, message, retryAfter);
        this.attempts = List.copyOf(attempts);
    }

    public List<Attempt> attempts() {
        return attempts;
    }
}
