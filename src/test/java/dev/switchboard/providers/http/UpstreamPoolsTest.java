package dev.switchboard.providers.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ProviderOrder;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The HTTP/2 pools: a burst of streams onto a pool with no connection yet is answered in full on a few
 * connections, each carrying as many streams as the upstream allows, and no stream is refused or reset.
 */
class UpstreamPoolsTest {

    private static final int STREAMS_PER_CONNECTION = 100;

    /** Each upstream connection, by the client port; a stream's answer is held 300 ms so the streams overlap. */
    private final Set<Integer> connections = ConcurrentHashMap.newKeySet();
    private final DisposableServer upstream = HttpServer.create().host("127.0.0.1").port(0)
            .protocol(HttpProtocol.H2C)
            .http2Settings(settings -> settings.maxConcurrentStreams(STREAMS_PER_CONNECTION))
            .handle((request, response) -> {
                connections.add(((InetSocketAddress) request.remoteAddress()).getPort());
                return response.sendString(Mono.just("ok").delayElement(Duration.ofMillis(300)));
            })
            .bindNow();
    private final ConnectionProvider pool = UpstreamPools.of("test", routing(true)).create(-1, 1, 0);

    @AfterEach
    void stop() {
        pool.disposeLater().block(Duration.ofSeconds(5));
        upstream.disposeNow();
    }

    @Test
    void aBurstOnAFreshPoolIsAnsweredInFullOnConnectionsFilledToTheUpstreamsLimit() {
        int streams = 10 * STREAMS_PER_CONNECTION;

        List<String> answers = burst(upstream.port(), streams);

        assertThat(answers).hasSize(streams).containsOnly("ok");
        // a connection is opened only when the open ones are full (without that, one per waiting stream)
        assertThat(connections).hasSizeLessThanOrEqualTo(streams / STREAMS_PER_CONNECTION);
    }

    /**
     * Netty lets a client open any number of streams until the upstream's SETTINGS say how many it takes, and
     * a loaded upstream sends them late (here 300 ms). The pool must not hand the waiting streams to the new
     * connection before then: the streams beyond the limit would be refused, and an upstream's rapid-reset
     * guard counts resets.
     */
    @Test
    void aBurstOnAConnectionWhoseSettingsComeLateIsAnsweredInFullWithNoStreamReset() throws Exception {
        try (SlowStartProxy proxy = new SlowStartProxy(upstream.port(), Duration.ofMillis(300))) {
            int streams = 5 * STREAMS_PER_CONNECTION;

            List<String> answers = burst(proxy.port(), streams);

            assertThat(answers).hasSize(streams).containsOnly("ok");
            assertThat(proxy.resets()).isZero();
        }
    }

    /**
     * When opening a connection is slow (a loaded machine: here the upstream's first bytes come 300 ms late), a
     * pool that opens one connection at a time keeps a burst waiting for ten of them in a row. A loop's
     * HTTP/2 pools open theirs side by side, and still fill each one to the upstream's limit.
     */
    @Test
    void aBurstOpensSeveralConnectionsAtOnceWhenEachIsSlowToOpen() throws Exception {
        RoutingProperties http2 = routing(true);
        LoopResources loops = LoopResources.create("pools-test", 1, true);
        EventLoopLocalConnector connector = new EventLoopLocalConnector(() -> loops.onServer(true),
                UpstreamPools.of("burst", http2), UpstreamClientOptions.of(http2));
        try (SlowStartProxy proxy = new SlowStartProxy(upstream.port(), Duration.ofMillis(300))) {
            int streams = 10 * STREAMS_PER_CONNECTION;

            List<String> answers = burst(proxy.port(), streams,
                    Mono.deferContextual(context -> Mono.just(connector.client(context, false))));

            assertThat(answers).hasSize(streams).containsOnly("ok");
            assertThat(proxy.mostOpeningAtOnce()).isEqualTo(UpstreamPools.HTTP2_POOLS_PER_LOOP);
            assertThat(connections).hasSizeLessThanOrEqualTo(
                    streams / STREAMS_PER_CONNECTION + UpstreamPools.HTTP2_POOLS_PER_LOOP - 1);
            assertThat(proxy.resets()).isZero();
        } finally {
            connector.dispose();
            // no quiet period: on io_uring the loop's default two quiet seconds at times ran past 5 s
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }

    /** {@code streams} requests at once through the pool; each answer, or the failure it ended with. */
    private List<String> burst(int port, int streams) {
        return burst(port, streams, Mono.just(HttpClient.create(pool).protocol(HttpProtocol.H2C)));
    }

    /**
     * {@code streams} requests at once, each through the client {@code clients} gives it. Without a body: the
     * upstream answers without reading one, and on a loaded machine a client still sending its body when the
     * whole answer is in resets the stream ({@code RST_STREAM CANCEL}), which the proxy counted as the pool's.
     */
    private static List<String> burst(int port, int streams, Mono<HttpClient> clients) {
        return Flux.range(0, streams)
                .flatMap(i -> clients.flatMap(client -> client.responseTimeout(Duration.ofSeconds(10))
                        .get().uri("http://127.0.0.1:" + port + "/")
                        .responseContent().aggregate().asString())
                        .onErrorResume(error -> Mono.just(error.toString())), streams)
                .collectList()
                .block(Duration.ofSeconds(30));
    }

    private static RoutingProperties routing(boolean http2) {
        return new RoutingProperties(Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofMinutes(10), 10, KeyStrategy.ROUND_ROBIN, DataSize.ofMegabytes(32),
                8192, ProviderOrder.ROUND_ROBIN, http2);
    }

    /**
     * A TCP proxy for h2c that holds back what the upstream sends on each new connection for a while, counts
     * the streams reset either way, and the most connections held back at once (being opened).
     */
    private static final class SlowStartProxy implements AutoCloseable {

        private static final int CLIENT_PREFACE = 24;
        private static final byte RST_STREAM = 0x3;

        private final AtomicInteger resets = new AtomicInteger();
        private final AtomicInteger opening = new AtomicInteger();
        private final AtomicInteger mostOpening = new AtomicInteger();
        private final ServerSocket server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        private final int target;
        private final Duration holdBack;

        SlowStartProxy(int target, Duration holdBack) throws IOException {
            this.target = target;
            this.holdBack = holdBack;
            daemon(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        int resets() {
            return resets.get();
        }

        int mostOpeningAtOnce() {
            return mostOpening.get();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    mostOpening.accumulateAndGet(opening.incrementAndGet(), Math::max);
                    daemon(() -> copy(client, upstream, Duration.ZERO, CLIENT_PREFACE));
                    daemon(() -> copy(upstream, client, holdBack, 0));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        /** Copies one direction, counting its HTTP/2 RST_STREAM frames; {@code preface}: the client's 24 bytes. */
        private void copy(Socket from, Socket to, Duration holdBack, int preface) {
            try (from; to) {
                if (!holdBack.isZero()) {
                    Thread.sleep(holdBack.toMillis());
                    opening.decrementAndGet();
                }
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                out.write(in.readNBytes(preface));
                byte[] header;
                while ((header = in.readNBytes(9)).length == 9) {
                    int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | (header[2] & 0xff);
                    if (header[3] == RST_STREAM) {
                        resets.incrementAndGet();
                    }
                    out.write(header);
                    out.write(in.readNBytes(length));
                    out.flush();
                }
            } catch (IOException | InterruptedException ended) {
                // either side closed
            }
        }

        private static void daemon(Runnable task) {
            Thread thread = new Thread(task, "slow-start-proxy");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
