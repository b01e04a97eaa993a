package dev.switchboard.chat;

import dev.switchboard.routing.RequestRun;

/** Told once about every request when it ends (success, failure or cancel). Must not block. */
public interface RequestObserver {

    void ended(RequestRun run);
}
