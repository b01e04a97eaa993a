package dev.switchboard.chat;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * No candidate delivered an answer, and nothing has reached the client yet: either nothing could be
 * tried, or everything that was tried failed. It carries the facts (why, the attempts, when a key comes
 * back); {@code api/ErrorAnswers} decides what the client sees. Stackless: an expected outcome.
 */
public final class CandidatesExhaustedException extends RuntimeException {

    /** Why the request ran out of candidates; the code is the client-facing error code. */
    public enum Reason {
        /** The request's deadline passed after at least one attempt. */
        DEADLINE_EXCEEDED("deadline_exceeded"),
        /** Path B: no key of the provider could be tried (cooling, disabled or at a daily limit). */
        NO_USABLE_KEY("all_keys_unavailable"),
        /** Path A: no provider had a key that could be tried (or every circuit is open). */
        NO_USABLE_PROVIDER("no_provider_available"),
        /** Path B: every key that was tried failed. */
        ALL_KEYS_FAILED("all_keys_failed"),
        /** Path A: every provider that was tried failed. */
        ALL_PROVIDERS_FAILED("all_providers_failed"),
        /** Every key there is is invalid or disabled: nothing comes back by itself, so no retry hint. */
        NO_VALID_KEY("no_valid_key");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;
    private final List<Attempt> attempts;
    private final @Nullable Duration retryAfter;

    /**
     * @param retryAfter when the first key that is out now comes back by itself; null when none will
     */
    public CandidatesExhaustedException(Reason reason, String message, List<Attempt> attempts,
            @Nullable Duration retryAfter) {
        super(message, null, false, false);
        this.reason = reason;
        this.attempts = List.copyOf(attempts);
        this.retryAfter = retryAfter;
    }

    public Reason reason() {
        return reason;
    }

    public String code() {
        return reason.code();
    }

    public List<Attempt> attempts() {
        return attempts;
    }

    public @Nullable Duration retryAfter() {
        return retryAfter;
    }

    /** Every attempt failed on a limit of the key's account (rate or quota), none on a fault. */
    public boolean onlyLimits() {
        return !attempts.isEmpty() && attempts.stream().allMatch(a -> a.errorClass() != null
                && (a.errorClass().limit() || a.errorClass() == ErrorClass.WAITED));
    }
}
