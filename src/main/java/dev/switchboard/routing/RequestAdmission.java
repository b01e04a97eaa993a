package dev.switchboard.routing;


import dev.switchboard.chat.ChatCommand;
/**
 * Decides whether a chat request may start, before any routing: the hook for per-client limits. It
 * throws a {@link GatewayException} (a 429 with its retry hint) to refuse, or returns a permit that the
 * pipeline closes exactly once when the request ends, however it ends (done, failed or cancelled).
 * Runs on the caller's thread for every request, so it must be cheap and must not block.
 */
@FunctionalInterface
public interface RequestAdmission {

    /** Admits everything; used when no limits are configured (and by tests). */
    RequestAdmission OPEN = command -> Permit.NONE;

    Permit admit(ChatCommand command);

    /** Held while a request runs. */
    @FunctionalInterface
    interface Permit {

        Permit NONE = () -> { };

        void release();
    }
}
