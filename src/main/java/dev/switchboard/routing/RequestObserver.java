package dev.switchboard.routing;

/** Told once about every request when it ends (success, failure or cancel). Must not block. */
public interface RequestObserver {

    void ended(RequestRun run);
}
