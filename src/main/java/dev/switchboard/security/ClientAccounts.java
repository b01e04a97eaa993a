package dev.switchboard.security;

import dev.switchboard.chat.GatewayException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Creating, listing and revoking clients: the admin API and the command line both go through here. */
public final class ClientAccounts {

    static final int MAX_NAME = 100;

    private final ClientKeyStore store;
    private final ClientDirectory directory;
    private final ClientLimits limits;
    private final Clock clock;

    public ClientAccounts(ClientKeyStore store, ClientDirectory directory, ClientLimits limits, Clock clock) {
        this.store = store;
        this.directory = directory;
        this.limits = limits;
        this.clock = clock;
    }

    /** What a new client's limits are; 0 means unlimited. */
    public record Limits(int requestsPerMinute, long dailyRequests, long dailyTokens) {

        public static final Limits NONE = new Limits(0, 0, 0);
    }

    /** A created client and its key: the only time the key exists outside the client's hands. */
    public record Created(ClientRecord client, String key) {

        @Override
        public String toString() {
            return "Created[" + client + "]";
        }
    }

    public Mono<Created> create(String name, Limits limits) {
        String checkedName = checkName(name);
        // SecureRandom may block on entropy: never on an event loop
        return Mono.fromCallable(ClientKeys::generate)
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(generated -> {
                    ClientRecord client = new ClientRecord(generated.id(), checkedName, generated.salt(), generated.hash(),
                            limits.requestsPerMinute(), limits.dailyRequests(), limits.dailyTokens(),
                            clock.instant().truncatedTo(ChronoUnit.MICROS), null);
                    return store.insert(client).map(saved -> new Created(saved, generated.key()));
                })
                .doOnNext(created -> directory.added(created.client()));
    }

    public Flux<ClientRecord> all() {
        return store.all();
    }

    /** Revokes a client at once on this instance (others follow within the cache refresh); empty if unknown. */
    public Mono<ClientRecord> revoke(String id) {
        return store.revoke(id, clock.instant().truncatedTo(ChronoUnit.MICROS))
                .doOnNext(client -> {
                    directory.removed(client.id());
                    limits.forget(client.id());
                });
    }

    long[] usageToday(String id) {
        return limits.usageToday(id);
    }

    static String checkName(String name) {
        String trimmed = name == null ? "" : name.trim();
        if (trimmed.isEmpty()) {
            throw GatewayException.badRequest("name_required", "'name' is required: say who the key is for.");
        }
        if (trimmed.length() > MAX_NAME) {
            throw GatewayException.badRequest("invalid_name", "'name' has at most " + MAX_NAME + " characters.");
        }
        for (int i = 0; i < trimmed.length(); i++) {
            if (Character.isISOControl(trimmed.charAt(i))) {
                throw GatewayException.badRequest("invalid_name", "'name' must not contain control characters.");
            }
        }
        return trimmed;
    }
}
