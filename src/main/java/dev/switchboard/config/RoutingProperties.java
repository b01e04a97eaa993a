package dev.switchboard.config;

import java.time.Duration;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Global routing settings.
 *
 * @param requestTimeout one deadline per request that spans every attempt and fallback; for streams
 *     it bounds the time until the first content chunk is committed to the client
 * @param firstChunkTimeout per attempt: the first real content chunk must arrive within this
 * @param idleTimeout per attempt: longest silence between two upstream reads (comments count)
 * @param connectTimeout per attempt: TCP connect timeout
 * @param maxStreamDuration hard cap on one committed stream, so an endless upstream is cut off
 * @param maxAttempts upper bound of upstream attempts per request, across all fallbacks
 * @param keyStrategy how a provider's pool orders its keys
 * @param upstreamMaxConnections size of the upstream connection pool (all providers together); every
 *     open stream holds one
 */
public record RoutingProperties(
        @DefaultValue("30s") Duration requestTimeout,
        @DefaultValue("15s") Duration firstChunkTimeout,
        @DefaultValue("30s") Duration idleTimeout,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("10m") Duration maxStreamDuration,
        @DefaultValue("10") int maxAttempts,
        @DefaultValue("round-robin") KeyStrategy keyStrategy,
        @DefaultValue("8192") int upstreamMaxConnections) {

    /** The binding constructor (records with a second constructor must say which one binds). */
    @ConstructorBinding
    public RoutingProperties {
    }

    public RoutingProperties(Duration requestTimeout, Duration firstChunkTimeout, Duration idleTimeout,
            Duration connectTimeout, Duration maxStreamDuration, int maxAttempts, KeyStrategy keyStrategy) {
        this(requestTimeout, firstChunkTimeout, idleTimeout, connectTimeout, maxStreamDuration, maxAttempts, keyStrategy,
                8192);
    }


    /** Key ordering within one provider's pool. */
    public enum KeyStrategy {
        /** Lock-free rotation: each request starts at the next key. */
        ROUND_ROBIN,
        /** Lowest priority number first, then the key with most calls remaining today. */
        PRIORITY
    }
}
