package dev.switchboard.security;

import io.r2dbc.spi.Readable;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code client_key} and {@code client_usage_daily} tables. */
public final class ClientKeyStore {

    private static final String COLUMNS = "id, name, salt, secret_hash, requests_per_minute, daily_requests, "
            + "daily_tokens, created_at, revoked_at";

    private final DatabaseClient database;

    public ClientKeyStore(DatabaseClient database) {
        this.database = database;
    }

    Mono<ClientRecord> insert(ClientRecord client) {
        return database.sql("insert into client_key (" + COLUMNS + ") values (:id, :name, :salt, :hash, :rpm, "
                        + ":dailyRequests, :dailyTokens, :createdAt, null)")
                .bind("id", client.id())
                .bind("name", client.name())
                .bind("salt", client.salt())
                .bind("hash", client.hash())
                .bind("rpm", client.requestsPerMinute())
                .bind("dailyRequests", client.dailyRequests())
                .bind("dailyTokens", client.dailyTokens())
                .bind("createdAt", client.createdAt())
                .fetch().rowsUpdated()
                .thenReturn(client);
    }

    /** Every client, revoked ones included, oldest first. */
    Flux<ClientRecord> all() {
        return database.sql("select " + COLUMNS + " from client_key order by created_at, id")
                .map(ClientKeyStore::read)
                .all();
    }

    Flux<ClientRecord> active() {
        return database.sql("select " + COLUMNS + " from client_key where revoked_at is null")
                .map(ClientKeyStore::read)
                .all();
    }

    /** Revokes the client (once; a second revoke keeps the first time) and answers it, or empty if unknown. */
    Mono<ClientRecord> revoke(String id, Instant at) {
        return database.sql("update client_key set revoked_at = coalesce(revoked_at, :at) where id = :id returning "
                        + COLUMNS)
                .bind("id", id)
                .bind("at", at)
                .map(ClientKeyStore::read)
                .one();
    }

    /** Adds a client's requests and tokens of a day and answers the totals of every instance. */
    Mono<long[]> addUsage(LocalDate day, String clientId, long requests, long tokens) {
        return database.sql("insert into client_usage_daily (day, client_id, requests, tokens, updated_at) "
                        + "values (:day, :client, :requests, :tokens, now()) on conflict (day, client_id) do update set "
                        + "requests = client_usage_daily.requests + excluded.requests, "
                        + "tokens = client_usage_daily.tokens + excluded.tokens, updated_at = now() "
                        + "returning requests, tokens")
                .bind("day", day)
                .bind("client", clientId)
                .bind("requests", requests)
                .bind("tokens", tokens)
                .map((row, meta) -> new long[] {orZero(row.get("requests", Long.class)), orZero(row.get("tokens", Long.class))})
                .one();
    }

    private static ClientRecord read(Readable row) {
        return new ClientRecord(
                row.get("id", String.class),
                row.get("name", String.class),
                bytes(row.get("salt")),
                bytes(row.get("secret_hash")),
                orZero(row.get("requests_per_minute", Integer.class)),
                orZero(row.get("daily_requests", Long.class)),
                orZero(row.get("daily_tokens", Long.class)),
                instant(row.get("created_at")),
                row.get("revoked_at") == null ? null : instant(row.get("revoked_at")));
    }

    private static byte[] bytes(@Nullable Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] out = new byte[buffer.remaining()];
            buffer.duplicate().get(out);
            return out;
        }
        return new byte[0];
    }

    private static Instant instant(@Nullable Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof ZonedDateTime zdt) {
            return zdt.toInstant();
        }
        return Instant.EPOCH;
    }

    private static int orZero(@Nullable Integer n) {
        return n == null ? 0 : n;
    }

    private static long orZero(@Nullable Long n) {
        return n == null ? 0 : n;
    }
}
