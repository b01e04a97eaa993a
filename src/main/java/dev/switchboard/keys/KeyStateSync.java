package dev.switchboard.keys;

import dev.switchboard.database.OutageNotice;
import dev.switchboard.database.PostgresChannel;
import dev.switchboard.support.BackgroundJobs;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Shares key states between instances on one PostgreSQL: every written change is announced with
 * {@code pg_notify}, every instance {@code LISTEN}s on one dedicated connection and adopts changes from
 * the others at once (a ban, a cooldown, a manual disable or enable reaches them within the write
 * interval plus a round trip). A periodic re-read of {@code key_state} is the safety net for
 * notifications missed while the listening connection was down. Only aliases, fingerprints and states
 * travel; never a key. A second listening connection hears of keys added or removed at runtime on another instance
 * ({@link RuntimeKeys}), and the same periodic re-read reads those again.
 */
public final class KeyStateSync extends BackgroundJobs {

    static final PostgresChannel CHANNEL = new PostgresChannel("switchboard_key_state");
    private static final PostgresChannel RUNTIME_KEYS = new PostgresChannel(RuntimeKeys.CHANNEL);
    private static final Logger log = LoggerFactory.getLogger(KeyStateSync.class);

    private final OutageNotice rereads = new OutageNotice();
    private final ConnectionFactory connections;
    private final DatabaseClient database;
    private final KeyHealth health;
    private final KeyStateStore store;
    private final RuntimeKeys runtimeKeys;
    private final JsonMapper json;
    private final Duration rereadInterval;
    private final String instance = UUID.randomUUID().toString();

    public KeyStateSync(ConnectionFactory connections, DatabaseClient database, KeyHealth health, KeyStateStore store,
            RuntimeKeys runtimeKeys, JsonMapper json, Duration rereadInterval) {
        this.runtimeKeys = runtimeKeys;
        this.connections = connections;
        this.database = database;
        this.health = health;
        this.store = store;
        this.json = json;
        this.rereadInterval = rereadInterval;
    }

    @Override
    protected void schedule(Disposable.Composite jobs) {
        store.notifyWith(this::announce);
        // runtime key changes are read from the table: a burst of notices needs one read after the last of them
        Sinks.Many<Boolean> runtimeKeyChanges = Sinks.many().unicast().onBackpressureBuffer();
        jobs.add(runtimeKeyChanges.asFlux()
                .onBackpressureLatest()
                .concatMap(change -> runtimeKeys.reload().onErrorResume(e -> {
                    log.warn("Could not read the provider keys changed on another instance (read again every {}): {}",
                            rereadInterval, e.toString());
                    return Mono.empty();
                }))
                .subscribe());
        jobs.add(listen().retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(10))
                        .doBeforeRetry(signal -> log.warn("Key-state listener lost its connection, reconnecting: {}",
                                signal.failure().toString())))
                .subscribe(notification -> dispatch(notification, runtimeKeyChanges)));
        jobs.add(every(rereadInterval, () -> store.reloadStates()
                .then(runtimeKeys.reload())
                .doOnSuccess(done -> {
                    if (rereads.recovers()) {
                        log.info("Key states are re-read from PostgreSQL again");
                    }
                })
                .onErrorResume(e -> {
                    if (rereads.startsFailing()) {
                        log.warn("Could not re-read key states (will try again every {}): {}", rereadInterval,
                                e.toString());
                    }
                    return Mono.empty();
                })));
    }

    /** The notifications of both channels: key states (this class's) and runtime key changes ({@link RuntimeKeys}). */
    private Flux<Notice> listen() {
        return Flux.merge(CHANNEL.listen(connections).map(payload -> new Notice(false, payload)),
                RUNTIME_KEYS.listen(connections).map(payload -> new Notice(true, payload)));
    }

    /** Never waits: the listener must keep up with the connection, or the driver drops it. */
    private void dispatch(Notice notice, Sinks.Many<Boolean> runtimeKeyChanges) {
        if (!notice.runtimeKeys()) {
            adopt(notice.payload());
        } else if (runtimeKeys.fromElsewhere(notice.payload())) {
            runtimeKeyChanges.tryEmitNext(true);
        }
    }

    /** One notification: on the runtime-key channel or the key-state one. */
    private record Notice(boolean runtimeKeys, String payload) {
    }

    private Mono<Void> announce(KeyStateChange change) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("instance", instance);
        payload.put("provider", change.provider());
        payload.put("alias", change.alias());
        payload.put("fingerprint", change.fingerprint());
        payload.put("status", change.status().code());
        payload.put("reason", change.reason() == null ? null : abbreviate(change.reason()));
        payload.put("until", change.untilMillis());
        payload.put("failures", change.consecutiveFailures());
        payload.put("at", change.atMillis());
        return CHANNEL.notify(database, json.writeValueAsString(payload));
    }

    private void adopt(String payload) {
        try {
            JsonNode n = json.readTree(payload);
            if (instance.equals(n.path("instance").asString())) {
                return;
            }
            health.restore(new KeyStateChange(n.path("provider").asString(), n.path("alias").asString(),
                    n.path("fingerprint").asString(), KeyStatus.fromCode(n.path("status").asString()),
                    n.path("reason").isNull() ? null : n.path("reason").asString(), n.path("until").asLong(),
                    n.path("failures").asInt(), n.path("at").asLong()));
        } catch (RuntimeException e) {
            log.warn("Ignoring a malformed key-state notification: {}", e.toString());
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) : s;
    }
}
