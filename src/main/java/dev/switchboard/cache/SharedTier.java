package dev.switchboard.cache;

import dev.switchboard.database.PostgresText;
import io.r2dbc.postgresql.codec.Json;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tier every instance shares: table {@code response_cache} in PostgreSQL. A hit costs one indexed read;
 * a store is written after the answer went out and never delays it. Expired rows are never served and are
 * deleted by the sweeper.
 */
final class SharedTier {

    private final DatabaseClient database;
    private final JsonMapper json;

    SharedTier(DatabaseClient database, JsonMapper json) {
        this.database = database;
        this.json = json;
    }

    /** The answer stored under {@code key}, with when it expires; empty when there is none still fresh. */
    Mono<Stored> find(String key, long nowMillis) {
        return database.sql("select answer, expires_at from response_cache where key = $1 and expires_at > $2")
                .bind(0, key)
                .bind(1, time(nowMillis))
                .map(row -> new Stored(json.readValue(row.get("answer", Json.class).asString(), CachedAnswer.class),
                        row.get("expires_at", OffsetDateTime.class).toInstant().toEpochMilli()))
                .one();
    }

    Mono<Void> store(String key, String namespace, CachedAnswer answer, long nowMillis, long expiresAtMillis) {
        return database.sql("insert into response_cache (key, namespace, answer, bytes, created_at, expires_at) "
                        + "values ($1, $2, $3, $4, $5, $6) on conflict (key) do update set answer = excluded.answer, "
                        + "bytes = excluded.bytes, created_at = excluded.created_at, expires_at = excluded.expires_at")
                .bind(0, key)
                .bind(1, PostgresText.text(namespace))
                .bind(2, Json.of(PostgresText.json(json.writeValueAsString(answer))))
                .bind(3, answer.bytes())
                .bind(4, time(nowMillis))
                .bind(5, time(expiresAtMillis))
                .fetch().rowsUpdated().then();
    }

    /** Deletes expired answers; answers how many. */
    Mono<Long> sweep(long nowMillis) {
        return database.sql("delete from response_cache where expires_at <= $1")
                .bind(0, time(nowMillis))
                .fetch().rowsUpdated();
    }

    private static OffsetDateTime time(long millis) {
        return Instant.ofEpochMilli(millis).atOffset(ZoneOffset.UTC);
    }

    record Stored(CachedAnswer answer, long expiresAtMillis) {
    }
}
