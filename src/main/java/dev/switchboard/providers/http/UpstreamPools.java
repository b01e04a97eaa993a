package dev.switchboard.providers.http;

import dev.switchboard.config.RoutingProperties;
import java.time.Duration;
import reactor.netty.http.client.Http2AllocationStrategy;
import reactor.netty.resources.ConnectionProvider;

/**
 * The upstream connection pools of each event loop ({@link EventLoopLocalConnector}), together no larger
 * than {@code switchboard.routing.upstream-max-connections}.
 *
 * <p>Over HTTP/2 ({@link RoutingProperties#upstreamHttp2()}) a pool opens another connection only once the
 * open ones carry as many streams as the upstream allows ({@code strictConnectionReuse}). Without it,
 * Reactor Netty's HTTP/2 pool opens a connection for every request that arrives while the first
 * connections are still being set up: a burst of 3,000 streams held 1,863 upstream connections, each with
 * its own HPACK tables, flow-control state and pipeline (about 5 KiB of heap per stream in
 * {@code bench/hold}); with it, 31.
 *
 * <p>The price of that rule is that such a pool opens its connections one at a time. When the machine is
 * loaded, opening one (TCP, then the upstream's SETTINGS) takes from a few hundred milliseconds to seconds, and
 * a burst of 20,000 streams that needs 200 connections waits for them. So over HTTP/2 each loop has
 * {@value #HTTP2_POOLS_PER_LOOP} pools, which open their connections side by side; the loop's calls take turns
 * among them. In {@code bench/hold} with one core taken by a busy loop, 67–159 connections were open 35 s into
 * the burst with one pool a loop, 121–198 with four (docs/PERFORMANCE.md). Over HTTP/1.1 a pool opens a
 * connection for every call that finds none free, so one is enough.
 *
 * <p>The pools report to Micrometer's global registry, which Spring Boot's registry joins, under
 * {@code reactor.netty.connection.provider.*} (per pool and upstream address): connections, active and
 * pending streams, and how long a stream waited for a connection. The gauges are read only when scraped.
 */
public final class UpstreamPools {

    /** How many HTTP/2 pools each event loop has: how many connections it may be opening at once. */
    static final int HTTP2_POOLS_PER_LOOP = 4;

    private UpstreamPools() {
    }

    /**
     * The pools for {@code routing}, named {@code name-<loop>} ({@code name} for the fallback lane), and
     * {@code name-<loop>.<pool>} when a loop has more than one.
     */
    public static EventLoopLocalConnector.PoolFactory of(String name, RoutingProperties routing) {
        int perLoop = routing.upstreamHttp2() ? HTTP2_POOLS_PER_LOOP : 1;
        return new EventLoopLocalConnector.PoolFactory() {
            @Override
            public ConnectionProvider create(int loop, int loops, int pool) {
                String lane = loop < 0 ? name : name + "-" + loop;
                return UpstreamPools.pool(perLoop == 1 ? lane : lane + "." + pool,
                        Math.max(1, divideRoundingUp(routing.upstreamMaxConnections(), loops * perLoop)),
                        routing.upstreamHttp2());
            }

            @Override
            public int poolsPerLoop() {
                return perLoop;
            }
        };
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
