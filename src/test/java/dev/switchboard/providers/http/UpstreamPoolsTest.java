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
import reactor.netty.ByteBufFlux;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

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
    private final ConnectionProvider pool = UpstreamPools.of("test", routing(true)).create(-1, 1);

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

    /** {@code streams} requests at once through the pool; each answer, or the failure it ended with. */
    private List<String> burst(int port, int streams) {
        HttpClient client = HttpClient.create(pool).protocol(HttpProtocol.H2C).responseTimeout(Duration.ofSeconds(10));
        return Flux.range(0, streams)
                .flatMap(i -> client.post().uri("http://127.0.0.1:" + port + "/")
                        .send(ByteBufFlux.fromString(Mono.just("{}")))
                        .responseContent().aggregate().asString()
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
     * A TCP proxy for h2c that holds back what the upstream sends on each new connection for a while, and
     * counts the streams reset either way.
     */
    private static final class SlowStartProxy implements AutoCloseable {

        private static final int CLIENT_PREFACE = 24;
        private static final byte RST_STREAM = 0x3;

        private final AtomicInteger resets = new AtomicInteger();
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

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
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
                Thread.sleep(holdBack.toMillis());
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
