package dev.switchboard.providers.http;

import dev.switchboard.config.RoutingProperties;
import java.time.Duration;
import reactor.netty.http.client.Http2AllocationStrategy;
import reactor.netty.resources.ConnectionProvider;

/**
 * The upstream connection pools, one per event loop ({@link EventLoopLocalConnector}), together no larger
 * than {@code switchboard.routing.upstream-max-connections}.
 *
 * <p>Over HTTP/2 ({@link RoutingProperties#upstreamHttp2()}) a pool opens another connection only once the
 * open ones carry as many streams as the upstream allows ({@code strictConnectionReuse}). Without it,
 * Reactor Netty's HTTP/2 pool opens a connection for every request that arrives while the first
 * connections are still being set up: a burst of 3,000 streams held 1,863 upstream connections, each with
 * its own HPACK tables, flow-control state and pipeline (about 5 KiB of heap per stream in
 * {@code bench/hold}); with it, 31.
 *
 * <p>The pools report to Micrometer's global registry, which Spring Boot's registry joins, under
 * {@code reactor.netty.connection.provider.*} (per pool and upstream address): connections, active and
 * pending streams, and how long a stream waited for a connection. The gauges are read only when scraped.
 */
public final class UpstreamPools {

    private UpstreamPools() {
    }

    /** The pools for {@code routing}, named {@code name-<loop>} ({@code name} for the fallback pool). */
    public static EventLoopLocalConnector.PoolFactory of(String name, RoutingProperties routing) {
        return (loop, loops) -> pool(loop < 0 ? name : name + "-" + loop,
                Math.max(1, divideRoundingUp(routing.upstreamMaxConnections(), loops)), routing.upstreamHttp2());
    }

    private static ConnectionProvider pool(String name, int maxConnections, boolean http2) {
        ConnectionProvider.Builder pool = ConnectionProvider.builder(name)
                .maxConnections(maxConnections)
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(Duration.ofSeconds(10))
                .maxIdleTime(Duration.ofSeconds(30))
                .evictInBackground(Duration.ofSeconds(30))
                .metrics(true);
        if (http2) {
            pool.allocationStrategy(Http2AllocationStrategy.builder()
                    .maxConnections(maxConnections)
                    .minConnections(0)
                    .strictConnectionReuse(true)
                    .build());
        }
        return pool.build();
    }

    private static int divideRoundingUp(int total, int parts) {
        return (total + parts - 1) / parts;
    }
}
