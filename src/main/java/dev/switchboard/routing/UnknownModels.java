package dev.switchboard.routing;

import dev.switchboard.providers.Provider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Models a provider answered "not found" for, remembered for {@code recheck}: Path B answers 404 at once
 * for them, Path A skips a provider whose default model is one, and the status pages and
 * {@code /admin/keys} show them. A configuration reload forgets them; after {@code recheck} the provider is
 * asked again (it may have added the model). Each one is logged once, as a warning.
 */
public final class UnknownModels {

    private static final Logger log = LoggerFactory.getLogger(UnknownModels.class);

    /** A model a provider does not know, since when, and what it said. */
    public record Entry(String provider, String model, Instant since, String message) {
    }

    private final Clock clock;
    private final Duration recheck;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public UnknownModels(Clock clock, Duration recheck) {
        this.clock = clock;
        this.recheck = recheck;
    }

    /** The provider answered that it does not know this model. */
    public void report(Provider provider, String model, String message) {
        Entry entry = new Entry(provider.name(), model, clock.instant(), message);
        if (entries.put(id(provider.name(), model), entry) == null) {
            log.warn("Provider {} does not know the model '{}' ({}); {} for {}", provider.name(), model, message,
                    model.equals(provider.defaultModel()) ? "Path A skips the provider (check its default-model)"
                            : "requests naming it get a 404", recheck);
        }
    }

    /** Whether the provider said it does not know this model, within the recheck window. */
    public boolean unknown(Provider provider, String model) {
        if (entries.isEmpty()) {
            return false;
        }
        Entry entry = entries.get(id(provider.name(), model));
        if (entry == null) {
            return false;
        }
        if (clock.instant().isAfter(entry.since().plus(recheck))) {
            entries.remove(id(provider.name(), model), entry);
            return false;
        }
        return true;
    }

    /** Every model known to be unknown now. */
    public List<Entry> all() {
        List<Entry> out = new ArrayList<>();
        Instant now = clock.instant();
        for (Entry entry : entries.values()) {
            if (!now.isAfter(entry.since().plus(recheck))) {
                out.add(entry);
            }
        }
        return out;
    }

    /** The models a provider does not know (for its pool report). */
    public List<String> of(String provider) {
        List<String> out = new ArrayList<>(0);
        for (Entry entry : all()) {
            if (entry.provider().equals(provider)) {
                out.add(entry.model());
            }
        }
        return out;
    }

    /** Forgets everything (configuration reload). */
    public void clear() {
        entries.clear();
    }

    private static String id(String provider, String model) {
        return provider + '\u0000' + model;
    }
}
