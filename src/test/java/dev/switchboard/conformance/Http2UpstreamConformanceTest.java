package dev.switchboard.conformance;

import static dev.switchboard.testsupport.Wire.OPENAI_HAPPY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ProviderOrder;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import dev.switchboard.providers.http.UpstreamPools;
import dev.switchboard.testsupport.Gateway;
import dev.switchboard.testsupport.Seen;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.HttpResources;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * With {@code switchboard.routing.upstream-http2} the gateway speaks HTTP/2 to its upstreams ({@code h2c}
 * on a plain-HTTP URL, as here): concurrent streams share connections instead of holding one each. The
 * upstream below speaks only HTTP/2 with prior knowledge, so an HTTP/1.1 request could not be answered.
 */
class Http2UpstreamConformanceTest {

    private static final RoutingProperties HTTP2 = new RoutingProperties(Duration.ofSeconds(10), Duration.ofSeconds(5),
            Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(1), 10, KeyStrategy.ROUND_ROBIN,
            DataSize.ofMegabytes(32), RoutingProperties.DEFAULT_UPSTREAM_MAX_CONNECTIONS, ProviderOrder.ROUND_ROBIN, true);

    private final List<String> protocols = new CopyOnWriteArrayList<>();
    private final Set<Object> connections = ConcurrentHashMap.newKeySet();
    private final DisposableServer upstream = HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .protocol(HttpProtocol.H2C)
            .handle((req, res) -> {
                protocols.add(req.protocol());
                req.withConnection(connection -> connections.add(connection.channel().parent()));
                return req.receive().then(res.header("content-type", "text/event-stream")
                        .sendString(Mono.delay(Duration.ofMillis(50)).thenMany(Flux.just(OPENAI_HAPPY)),
                                StandardCharsets.UTF_8)
                        .then());
            })
            .bindNow(Duration.ofSeconds(5));
    private final Gateway gateway = new Gateway(HTTP2,
            Gateway.provider("h2", WireFormat.OPENAI, "http://127.0.0.1:" + upstream.port() + "/v1", "sk-one"));

    @AfterEach
    void stop() {
        gateway.close();
        upstream.disposeNow(Duration.ofSeconds(5));
    }

    @Test
    void aStreamIsAnsweredOverHttp2() {
        assertThat(Seen.of(gateway.stream("h2")).deltas()).containsExactly("Hello", "!");

        assertThat(protocols).containsExactly("HTTP/2.0");
    }

    @Test
    void concurrentStreamsShareFewConnections() {
        List<Seen> all = Flux.range(0, 40)
                .flatMap(i -> Mono.fromCallable(() -> Seen.of(gateway.stream("h2"))).subscribeOn(Schedulers.boundedElastic()), 40)
                .collectList()
                .block(Duration.ofSeconds(30));

        assertThat(all).hasSize(40).allSatisfy(seen -> assertThat(seen.deltas()).containsExactly("Hello", "!"));
        assertThat(protocols).hasSize(40).containsOnly("HTTP/2.0");
        assertThat(connections).hasSizeLessThan(40);
    }

    @Test
    void aBurstOfStreamsOpensNoMoreConnectionsThanThereArePools() {
        // the pools of each event loop, and those for callers off the loops
        long pools = UpstreamPools.of("count", HTTP2).poolsPerLoop()
                * (1 + StreamSupport.stream(HttpResources.get().onServer(LoopResources.DEFAULT_NATIVE).spliterator(), false)
                        .count());

        List<Seen> all = Flux.range(0, 200)
                .flatMap(i -> Mono.fromCallable(() -> Seen.of(gateway.stream("h2"))).subscribeOn(Schedulers.boundedElastic()), 200)
                .collectList()
                .block(Duration.ofSeconds(30));

        assertThat(all).hasSize(200).allSatisfy(seen -> assertThat(seen.deltas()).containsExactly("Hello", "!"));
        assertThat(connections).hasSizeLessThanOrEqualTo((int) pools);
    }
}
