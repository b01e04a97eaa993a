package dev.switchboard.security;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A gateway client as stored: its public id, name, limits and the salted hash of its key's secret.
 *
 * @param requestsPerMinute chat requests per minute, 0 = unlimited
 * @param dailyRequests chat requests per UTC day, 0 = unlimited
 * @param dailyTokens tokens (prompt + completion of finished requests) per UTC day, 0 = unlimited
 */
public record ClientRecord(
        String id,
        String name,
        byte[] salt,
        byte[] hash,
        int requestsPerMinute,
        long dailyRequests,
        long dailyTokens,
        Instant createdAt,
        @Nullable Instant revokedAt) {

    public boolean active() {
        return revokedAt == null;
    }

    /** Never prints salt or hash. */
    @Override
    public String toString() {
        return "ClientRecord[id=" + id + ", name=" + name + (active() ? "" : ", revoked") + "]";
    }
}
