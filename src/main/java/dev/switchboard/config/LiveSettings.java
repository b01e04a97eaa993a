package dev.switchboard.config;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The {@code switchboard.*} settings in force. Most are read once at startup; those a reload may change
 * while the gateway runs (seed 002's {@code update_configuration}: {@code resilience.max-retries},
 * {@code keys.health-check-interval}, the alert thresholds, {@code routing.provider-order}) are read from
 * here on every use, or by a listener that is told of each change.
 */
public final class LiveSettings implements Supplier<SwitchboardProperties> {

    private final List<Consumer<SwitchboardProperties>> listeners = new CopyOnWriteArrayList<>();
    private volatile SwitchboardProperties current;

    public LiveSettings(SwitchboardProperties initial) {
        this.current = Objects.requireNonNull(initial, "initial");
    }

    @Override
    public SwitchboardProperties get() {
        return current;
    }

    /** Swaps in validated settings and tells every listener (on the caller's thread). */
    public void update(SwitchboardProperties next) {
        this.current = Objects.requireNonNull(next, "next");
        for (Consumer<SwitchboardProperties> listener : listeners) {
            listener.accept(next);
        }
    }

    /** Called with the new settings after each {@link #update}. */
    public void onChange(Consumer<SwitchboardProperties> listener) {
        listeners.add(listener);
    }
}
