package dev.switchboard.keys;

import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderRegistry;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Provider keys added or removed at runtime, kept apart from the configuration so that they outlive a
 * configuration reload, and, with a {@link MasterKey}, a restart and the instance they were made on.
 *
 * <p>With a master key every change is written to {@code provider_key} (an added key encrypted with
 * AES-256-GCM by {@link KeyCipher}, a removed one as its fingerprint only) and announced with
 * {@code pg_notify}; the other instances read the table again and apply it ({@link KeyStateSync} listens and
 * re-reads it every few seconds as a safety net). At startup the table is applied before the first key check.
 * Without a master key changes stay in this instance's memory. Only aliases, fingerprints and ciphertext
 * ever reach the database, a log or another instance.
 */
public final class RuntimeKeys {

    static final String CHANNEL = "switchboard_provider_keys";
    private static final Logger log = LoggerFactory.getLogger(RuntimeKeys.class);

    /** What became of a change. */
    public enum Storage {
        /** Written to PostgreSQL (encrypted) and announced to the other instances. */
        STORED,
        /** No master key: this instance only, until it stops. */
        MEMORY,
        /** A master key, but the write failed: this instance only (the answer says so). */
        FAILED
    }

    /** One change made at runtime; {@code secret} is null for a removal (and for keys this instance cannot decrypt). */
    private record Change(String provider, String fingerprint, String alias, @Nullable String secret, int priority,
            long dailyLimit, boolean removed, long atMillis) {
    }

    private final DatabaseClient database;
    private final ProviderRegistry registry;
    private final KeyHealth health;
    private final @Nullable KeyCipher cipher;
    private final JsonMapper json;
    private final Clock clock;
    private final String instance = UUID.randomUUID().toString();
    private final Map<String, Change> changes = new ConcurrentHashMap<>();
    private final Set<String> unreadable = ConcurrentHashMap.newKeySet();

    public RuntimeKeys(DatabaseClient database, ProviderRegistry registry, KeyHealth health,
            @Nullable MasterKey masterKey, JsonMapper json, Clock clock) {
        this.database = database;
        this.registry = registry;
        this.health = health;
        this.cipher = masterKey == null ? null : new KeyCipher(masterKey);
        this.json = json;
        this.clock = clock;
    }

    /** Whether changes are stored (there is a master key). */
    public boolean persistent() {
        return cipher != null;
    }

    /** Puts a checked key into its provider's pool and keeps it (see {@link Storage}). */
    public Mono<Storage> add(Provider provider, ApiKey key) {
        Change change = new Change(provider.name(), KeyFingerprint.of(key.secret()), key.alias(), key.secret(),
                key.priority(), key.dailyLimit(), false, clock.millis());
        remember(change);
        provider.keys().add(key);
        health.register(provider);
        registry.refresh();
        log.info("Key {} added to {} at runtime", key.alias(), provider.name());
        return store(change);
    }

    /** Takes a key out of its provider's pool and keeps it out (see {@link Storage}). */
    public Mono<Storage> remove(Provider provider, ApiKey key) {
        Change change = new Change(provider.name(), KeyFingerprint.of(key.secret()), key.alias(), null, key.priority(),
                key.dailyLimit(), true, clock.millis());
        remember(change);
        if (provider.keys().remove(key)) {
            health.forget(provider, key);
        }
        registry.refresh();
        log.info("Key {} removed from {} at runtime", key.alias(), provider.name());
        return store(change);
    }

    /**
     * Applies every change made at runtime to freshly built providers (a configuration reload), before they are
     * put in force: removed keys out, added keys in.
     */
    public synchronized void applyTo(List<Provider> providers) {
        List<Change> ordered = new ArrayList<>(changes.values());
        ordered.sort(Comparator.comparingLong(Change::atMillis));
        for (Change change : ordered) {
            providers.stream().filter(p -> p.name().equals(change.provider())).findFirst()
                    .ifPresent(provider -> apply(provider, change));
        }
    }

    /** Reads the stored changes (at startup, when another instance announces one, and every few seconds) and applies new ones. */
    public Mono<Void> reload() {
        return database.sql("select provider, key_fingerprint, key_alias, action, nonce, ciphertext, priority, daily_limit, "
                        + "updated_at from provider_key")
                .map((row, meta) -> new StoredRow(row.get("provider", String.class), row.get("key_fingerprint", String.class),
                        row.get("key_alias", String.class), "removed".equals(row.get("action", String.class)),
                        bytes(row.get("nonce")), bytes(row.get("ciphertext")), orDefault(row.get("priority", Integer.class)),
                        orZero(row.get("daily_limit", Long.class)), row.get("updated_at", Instant.class).toEpochMilli()))
                .all()
                .collectList()
                .publishOn(Schedulers.boundedElastic()) // decryption uses the JCE, kept off the event loop
                .doOnNext(this::adopt)
                .then();
    }

    /** Whether a notification on {@link #CHANNEL} comes from another instance (then the table is read again). */
    boolean fromElsewhere(String payload) {
        try {
            return !instance.equals(json.readTree(payload).path("instance").asString());
        } catch (RuntimeException e) {
            log.warn("Ignoring a malformed provider-key notification: {}", e.toString());
            return false;
        }
    }

    private record StoredRow(String provider, String fingerprint, String alias, boolean removed, byte @Nullable [] nonce,
            byte @Nullable [] ciphertext, int priority, long dailyLimit, long atMillis) {
    }

    private synchronized void adopt(List<StoredRow> rows) {
        List<Change> fresh = new ArrayList<>();
        for (StoredRow row : rows) {
            if (registry.get(row.provider()).isEmpty()) {
                continue; // not configured here (yet): read again with the next reload
            }
            String id = id(row.provider(), row.fingerprint());
            Change known = changes.get(id);
            if (known != null && known.atMillis() >= row.atMillis()) {
                continue;
            }
            String secret = null;
            if (!row.removed()) {
                secret = open(row);
                if (secret == null) {
                    continue;
                }
            }
            Change change = new Change(row.provider(), row.fingerprint(), row.alias(), secret, row.priority(),
                    row.dailyLimit(), row.removed(), row.atMillis());
            changes.put(id, change);
            fresh.add(change);
        }
        if (fresh.isEmpty()) {
            return;
        }
        fresh.sort(Comparator.comparingLong(Change::atMillis));
        for (Change change : fresh) {
            registry.get(change.provider()).ifPresent(provider -> apply(provider, change));
        }
        registry.refresh();
    }

    private @Nullable String open(StoredRow row) {
        String id = id(row.provider(), row.fingerprint());
        if (cipher == null) {
            if (unreadable.add(id)) {
                log.warn("Key {} of {} is stored encrypted, but {} is not set: it is not used here", row.alias(),
                        row.provider(), MasterKey.ENVIRONMENT);
            }
            return null;
        }
        try {
            return cipher.open(row.provider(), row.fingerprint(), new KeyCipher.Sealed(row.nonce(), row.ciphertext()));
        } catch (GeneralSecurityException | RuntimeException e) {
            if (unreadable.add(id)) {
                log.warn("Key {} of {} cannot be decrypted ({}): was it stored with another {}? It is not used here",
                        row.alias(), row.provider(), e.getClass().getSimpleName(), MasterKey.ENVIRONMENT);
            }
            return null;
        }
    }

    /** Brings one provider's pool in line with one change. */
    private void apply(Provider provider, Change change) {
        Optional<ApiKey> present = provider.keys().keys().stream()
                .filter(k -> KeyFingerprint.of(k.secret()).equals(change.fingerprint())).findFirst();
        if (change.removed()) {
            present.ifPresent(key -> {
                provider.keys().remove(key);
                health.forget(provider, key);
                log.info("Key {} of {} is out: it was removed at runtime", key.alias(), provider.name());
            });
            return;
        }
        if (present.isPresent() || change.secret() == null) {
            return;
        }
        ApiKey key = new ApiKey(freeAlias(provider, change.alias()), change.secret(), change.priority(),
                change.dailyLimit(), true);
        provider.keys().add(key);
        health.register(provider);
        log.info("Key {} of {} is in: it was added at runtime", key.alias(), provider.name());
    }

    /** The stored alias, unless another key of this instance has it; then the provider's next free number. */
    private static String freeAlias(Provider provider, String alias) {
        List<String> taken = provider.keys().keys().stream().map(ApiKey::alias).toList();
        if (!taken.contains(alias)) {
            return alias;
        }
        int n = provider.keys().size() + 1;
        while (taken.contains(provider.name() + "#" + n)) {
            n++;
        }
        log.warn("Alias {} of {} is taken here by another key; the key added at runtime is {} on this instance", alias,
                provider.name(), provider.name() + "#" + n);
        return provider.name() + "#" + n;
    }

    private void remember(Change change) {
        changes.put(id(change.provider(), change.fingerprint()), change);
    }

    private Mono<Storage> store(Change change) {
        if (cipher == null) {
            return Mono.just(Storage.MEMORY);
        }
        return Mono.fromCallable(() -> change.removed() ? null
                        : cipher.seal(change.provider(), change.fingerprint(), change.secret()))
                .subscribeOn(Schedulers.boundedElastic())
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(sealed -> write(change, sealed.orElse(null)))
                .then(announce(change))
                .thenReturn(Storage.STORED)
                .onErrorResume(e -> {
                    log.warn("Could not store the runtime change of key {} of {} (kept in this instance's memory): {}",
                            change.alias(), change.provider(), e.toString());
                    return Mono.just(Storage.FAILED);
                });
    }

    private Mono<Void> write(Change change, KeyCipher.@Nullable Sealed sealed) {
        DatabaseClient.GenericExecuteSpec spec = database.sql("insert into provider_key (provider, key_fingerprint, "
                        + "key_alias, action, algorithm, nonce, ciphertext, priority, daily_limit, updated_at) values "
                        + "(:provider, :fingerprint, :alias, :action, :algorithm, :nonce, :ciphertext, :priority, :limit, :at) "
                        + "on conflict (provider, key_fingerprint) do update set key_alias = excluded.key_alias, "
                        + "action = excluded.action, algorithm = excluded.algorithm, nonce = excluded.nonce, "
                        + "ciphertext = excluded.ciphertext, priority = excluded.priority, "
                        + "daily_limit = excluded.daily_limit, updated_at = excluded.updated_at")
                .bind("provider", change.provider())
                .bind("fingerprint", change.fingerprint())
                .bind("alias", change.alias())
                .bind("action", change.removed() ? "removed" : "added")
                .bind("priority", change.priority())
                .bind("limit", change.dailyLimit())
                .bind("at", Instant.ofEpochMilli(change.atMillis()));
        spec = sealed == null
                ? spec.bindNull("algorithm", String.class).bindNull("nonce", byte[].class).bindNull("ciphertext", byte[].class)
                : spec.bind("algorithm", KeyCipher.ALGORITHM).bind("nonce", sealed.nonce()).bind("ciphertext", sealed.ciphertext());
        return spec.fetch().rowsUpdated().then();
    }

    private Mono<Void> announce(Change change) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("instance", instance);
        payload.put("provider", change.provider());
        payload.put("alias", change.alias());
        return database.sql("select pg_notify(:channel, :payload)")
                .bind("channel", CHANNEL)
                .bind("payload", json.writeValueAsString(payload))
                .fetch().rowsUpdated().then();
    }

    private static String id(String provider, String fingerprint) {
        return provider + '\u0000' + fingerprint;
    }

    private static byte @Nullable [] bytes(@Nullable Object value) {
        if (value instanceof byte[] array) {
            return array;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] array = new byte[buffer.remaining()];
            buffer.duplicate().get(array);
            return array;
        }
        return null;
    }

    private static int orDefault(@Nullable Integer n) {
        return n == null ? 100 : n;
    }

    private static long orZero(@Nullable Long n) {
        return n == null ? 0 : n;
    }
}
