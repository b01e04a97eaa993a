package dev.switchboard.database;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * When a component's database reads or writes start failing and when they work again, each told once: a
 * write-behind job that fails every second logs one warning when the outage starts and one line when it
 * ends, not one per attempt. Callers log their own message (with their own figures) when a method answers
 * {@code true}.
 */
public final class OutageNotice {

    private final AtomicBoolean failing = new AtomicBoolean();

    /** True the first time after a success (or ever) that the operation failed. */
    public boolean startsFailing() {
        return failing.compareAndSet(false, true);
    }

    /** True the first time the operation succeeded again after failing. */
    public boolean recovers() {
        return failing.get() && failing.compareAndSet(true, false);
    }

    /** Whether the last outcome told was a failure. */
    public boolean failing() {
        return failing.get();
    }
}
