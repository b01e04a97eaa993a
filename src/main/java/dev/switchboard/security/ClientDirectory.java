package dev.switchboard.security;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.database.OutageNotice;
import dev.switchboard.support.BackgroundJobs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The active clients, in memory: every request's key check is a map lookup and one SHA-256, never a
 * database call. The map is re-read from PostgreSQL every {@code client-cache-refresh}, so keys created
 * or revoked on another instance (or by the command line) take effect here within that time; changes
 * made through this instance's admin API take effect at once. A revoked id stays out even if a refresh
 * that started before the revocation still saw it.
 */
public final class ClientDirectory extends BackgroundJobs {

    private static final Logger log = LoggerFactory.getLogger(ClientDirectory.class);
    private static final Duration FIRST_LOAD_WAIT = Duration.ofSeconds(5);

    private final ClientKeyStore store;
    private final Duration refreshEvery;
    private final Clock clock;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    /** Clients created here that no refresh has seen yet, with when they were added. */
    private final Map<String, Instant> addedHere = new ConcurrentHashMap<>();
    private final Sinks.One<Boolean> firstLoad = Sinks.one();
    private volatile Map<String, ClientRecord> active = Map.of();
    private volatile boolean loaded;
    private final OutageNotice outage = new OutageNotice();

    public ClientDirectory(ClientKeyStore store, Duration refreshEvery, Clock clock) {
        this.store = store;
        this.refreshEvery = refreshEvery;
        this.clock = clock;
    }

    /**
     * The client whose key this is, or empty for anything else (not a client key, unknown id, wrong
     * secret, revoked). Until the first load has finished it waits for it, at most a few seconds.
     */
    public Mono<ClientRecord> verify(@Nullable String presented) {
        ClientKeys.Parsed parsed = ClientKeys.parse(presented);
        if (parsed == null) {
            return Mono.empty();
        }
        if (loaded) {
            return Mono.justOrEmpty(check(parsed));
        }
        return firstLoad.asMono()
                .timeout(FIRST_LOAD_WAIT)
                .onErrorMap(TimeoutException.class, e -> new GatewayException(503, "service_unavailable",
                        "auth_unavailable", "Client keys could not be loaded yet; retry shortly.", Duration.ofSeconds(5)))
                .then(Mono.fromSupplier(() -> check(parsed)));
    }

    private @Nullable ClientRecord check(ClientKeys.Parsed parsed) {
        ClientRecord client = active.get(parsed.id());
        return client != null && ClientKeys.matches(client, parsed.secret()) ? client : null;
    }

    /** An active client by id, for its limits. */
    public @Nullable ClientRecord get(String id) {
        return active.get(id);
    }

    public Collection<ClientRecord> all() {
        return active.values();
    }

    synchronized void added(ClientRecord client) {
        addedHere.put(client.id(), clock.instant());
        Map<String, ClientRecord> next = new HashMap<>(active);
        next.put(client.id(), client);
        active = Map.copyOf(next);
    }

    synchronized void removed(String id) {
        revoked.add(id);
        addedHere.remove(id);
        if (active.containsKey(id)) {
            Map<String, ClientRecord> next = new HashMap<>(active);
            next.remove(id);
            active = Map.copyOf(next);
        }
    }

    /** Re-reads the active clients. */
    public Mono<Void> refresh() {
        Instant started = clock.instant();
        return store.active()
                .collectMap(ClientRecord::id)
                .doOnNext(snapshot -> replace(snapshot, started))
                .then();
    }

    private synchronized void replace(Map<String, ClientRecord> snapshot, Instant started) {
        Map<String, ClientRecord> next = new HashMap<>(snapshot);
        next.keySet().removeAll(revoked);
        // A client created here after this query started may be missing from it: keep it for the next
        // refresh. One created before the query started is in it, unless it was revoked meanwhile.
        for (Map.Entry<String, Instant> added : Map.copyOf(addedHere).entrySet()) {
            ClientRecord client = active.get(added.getKey());
            if (added.getValue().isBefore(started) || client == null) {
                addedHere.remove(added.getKey());
            } else if (!next.containsKey(client.id())) {
                next.put(client.id(), client);
            }
        }
        active = Map.copyOf(next);
        if (outage.recovers()) {
            log.info("Client keys are read from PostgreSQL again ({} active)", next.size());
        }
        if (!loaded) {
            loaded = true;
            firstLoad.tryEmitValue(Boolean.TRUE);
        }
    }

    /** Reads the keys at once (the phase starts it before the web server takes requests), then every interval. */
    @Override
    protected void schedule(Disposable.Composite jobs) {
        jobs.add(every(Duration.ZERO, refreshEvery, () -> refresh().onErrorResume(e -> {
            if (outage.startsFailing()) {
                log.warn("Could not read client keys from PostgreSQL (keeping the ones in memory): {}", e.toString());
            }
            return Mono.empty();
        })));
    }
}
