package dev.switchboard.config;

import dev.switchboard.chat.ProviderOrder;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

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
 * @param maxStreamBytes cap on the bytes of one upstream response body, streamed or not: a stream that
 *     sends more (garbage, or a provider that never stops) is cut off with a clear error
 * @param upstreamMaxConnections upstream connections in total (all providers together); every open
 *     stream holds one over HTTP/1.1. Each event loop has its own pool with an equal share
 *     ({@code providers.http.EventLoopLocalConnector})
 * @param upstreamHttp2 speak HTTP/2 to the upstreams: over TLS negotiated with ALPN ({@code h2}), over
 *     plain HTTP with prior knowledge ({@code h2c}, for local upstreams known to speak it). Many streams
 *     then share one connection instead of holding one each, which is what lets one instance hold more open
 *     streams than it has file descriptors. Off by default and experimental: every provider API speaks
 *     HTTP/1.1, and at 10,000 concurrent streams over h2c most stalled in the benchmark (HTTP/2 flow control)
 * @param providerOrder how Path A orders providers: {@code round-robin} (each request starts one further) or
 *     {@code priority} (always the highest-priority provider first, every usable key of it before the next) or
 *     {@code latency} (the power of two choices, weighted by running time to first content, errors and load);
 *     a reload applies it
 */
public record RoutingProperties(
        Duration requestTimeout,
        Duration firstChunkTimeout,
        Duration idleTimeout,
        Duration connectTimeout,
        Duration maxStreamDuration,
        int maxAttempts,
        KeyStrategy keyStrategy,
        DataSize maxStreamBytes,
        int upstreamMaxConnections,
        ProviderOrder providerOrder,
        boolean upstreamHttp2) {

    public static final DataSize DEFAULT_MAX_STREAM_BYTES = DataSize.ofMegabytes(32);
    public static final int DEFAULT_UPSTREAM_MAX_CONNECTIONS = 8192;

    @ConstructorBinding
    public RoutingProperties(
            @DefaultValue("30s") Duration requestTimeout,
            @DefaultValue("15s") Duration firstChunkTimeout,
            @DefaultValue("30s") Duration idleTimeout,
            @DefaultValue("5s") Duration connectTimeout,
            @DefaultValue("10m") Duration maxStreamDuration,
            @DefaultValue("10") int maxAttempts,
            @DefaultValue("round-robin") KeyStrategy keyStrategy,
            @DefaultValue("32MB") DataSize maxStreamBytes,
            @DefaultValue("8192") int upstreamMaxConnections,
            @DefaultValue("round-robin") ProviderOrder providerOrder,
            @DefaultValue("false") boolean upstreamHttp2) {
        this.requestTimeout = requestTimeout;
        this.firstChunkTimeout = firstChunkTimeout;
        this.idleTimeout = idleTimeout;
        this.connectTimeout = connectTimeout;
        this.maxStreamDuration = maxStreamDuration;
        this.maxAttempts = maxAttempts;
        this.keyStrategy = keyStrategy;
        this.maxStreamBytes = maxStreamBytes;
        this.upstreamMaxConnections = upstreamMaxConnections;
        this.providerOrder = providerOrder;
        this.upstreamHttp2 = upstreamHttp2;
    }

    /** The settings with round-robin provider order. */
    public RoutingProperties(Duration requestTimeout, Duration firstChunkTimeout, Duration idleTimeout,
            Duration connectTimeout, Duration maxStreamDuration, int maxAttempts, KeyStrategy keyStrategy,
            DataSize maxStreamBytes, int upstreamMaxConnections) {
        this(requestTimeout, firstChunkTimeout, idleTimeout, connectTimeout, maxStreamDuration, maxAttempts, keyStrategy,
                maxStreamBytes, upstreamMaxConnections, ProviderOrder.ROUND_ROBIN, false);
    }

    /** The settings with the default stream byte cap and pool size. */
    public RoutingProperties(Duration requestTimeout, Duration firstChunkTimeout, Duration idleTimeout,
            Duration connectTimeout, Duration maxStreamDuration, int maxAttempts, KeyStrategy keyStrategy) {
        this(requestTimeout, firstChunkTimeout, idleTimeout, connectTimeout, maxStreamDuration, maxAttempts, keyStrategy,
                DEFAULT_MAX_STREAM_BYTES, DEFAULT_UPSTREAM_MAX_CONNECTIONS);
    }

    /** Key ordering within one provider's pool. */
    public enum KeyStrategy {
        /** Lock-free rotation: each request starts at the next key. */
        ROUND_ROBIN,
        /** Lowest priority number first, then the key with most calls remaining today. */
        PRIORITY,
        /**
         * The first key by the power of two choices over the usable keys, weighted by each key's running time
         * to first content, error rate and calls in flight; the others follow in round-robin order.
         */
        LATENCY
    }
}
