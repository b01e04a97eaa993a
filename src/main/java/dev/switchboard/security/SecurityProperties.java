package dev.switchboard.security;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Who may call, and the limits on what they send ({@code switchboard.security.*}).
 *
 * @param demoMode no client keys and an open {@code /admin}; set only by the demo profile (and the shared
 *     test contexts). Outside it the admin token is required and chat surfaces need a client key.
 * @param adminToken the operator's secret for {@code /admin/**}, actuator and the status endpoints (env
 *     {@code SWITCHBOARD_ADMIN_TOKEN}); at least {@value AdminToken#MIN_LENGTH} characters
 * @param cors browser origins allowed to call (CORS), also checked on WebSocket and SSE requests
 * @param maxBodySize largest request body (multipart task uploads get {@code switchboard.tasks.max-file-size}
 *     on top); also the in-memory limit of the JSON codecs
 * @param maxConcurrentStreams chat requests one client may have in flight at once, on every surface
 *     (each is an upstream stream); 0 = unlimited
 * @param websocket limits per WebSocket connection
 * @param clientCacheRefresh how often the in-memory copy of the client keys is re-read from PostgreSQL,
 *     so keys created or revoked on another instance take effect here
 * @param usageSyncInterval how often per-client daily counters are added to PostgreSQL and read back
 *     (the daily budgets hold across restarts and instances)
 */
@ConfigurationProperties("switchboard.security")
public record SecurityProperties(
        @DefaultValue("false") boolean demoMode,
        @Nullable String adminToken,
        @DefaultValue Cors cors,
        @DefaultValue("1MB") DataSize maxBodySize,
        @DefaultValue("16") int maxConcurrentStreams,
        @DefaultValue WebSocket websocket,
        @DefaultValue("10s") Duration clientCacheRefresh,
        @DefaultValue("5s") Duration usageSyncInterval) {

    public SecurityProperties {
        if (maxBodySize.toBytes() < 1024 || maxBodySize.toBytes() > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("switchboard.security.max-body-size must be between 1KB and 1GB");
        }
        if (maxConcurrentStreams < 0) {
            throw new IllegalArgumentException("switchboard.security.max-concurrent-streams must be 0 or more");
        }
        if (clientCacheRefresh.isNegative() || clientCacheRefresh.isZero()
                || usageSyncInterval.isNegative() || usageSyncInterval.isZero()) {
            throw new IllegalArgumentException(
                    "switchboard.security.client-cache-refresh and usage-sync-interval must be positive");
        }
    }

    /**
     * @param allowedOrigins origins such as {@code https://app.example.org}; {@code *} allows any (demo only);
     *     empty: no cross-origin browser calls (same-origin pages and non-browser clients still work)
     * @param maxAge how long browsers may cache a preflight answer
     */
    public record Cors(@DefaultValue List<String> allowedOrigins, @DefaultValue("1h") Duration maxAge) {
    }

    /**
     * @param maxFrameSize largest WebSocket message (frame, or fragments put together); bigger closes the
     *     socket with 1009
     * @param messagesPerSecond messages one socket may send per second (bursts up to this many); over it a
     *     message gets an error reply, and a socket that keeps going is closed with 1008
     */
    public record WebSocket(@DefaultValue("1MB") DataSize maxFrameSize, @DefaultValue("20") int messagesPerSecond) {

        public WebSocket {
            if (maxFrameSize.toBytes() < 1024 || maxFrameSize.toBytes() > Integer.MAX_VALUE / 2 || messagesPerSecond < 1) {
                throw new IllegalArgumentException("switchboard.security.websocket: max-frame-size must be between "
                        + "1KB and 1GB, messages-per-second at least 1");
            }
        }
    }

    /** Never prints the admin token. */
    @Override
    public String toString() {
        return "SecurityProperties[demoMode=" + demoMode + ", adminToken=" + (adminToken == null ? "unset" : "****")
                + ", cors=" + cors + ", maxBodySize=" + maxBodySize + ", maxConcurrentStreams=" + maxConcurrentStreams
                + ", websocket=" + websocket + "]";
    }
}
