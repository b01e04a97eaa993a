package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/**
 * The transport's header set is built once and goes out on every request as it is; what belongs to one
 * attempt (its {@code traceparent}) goes on that request only, and the attempt is told when its request goes out.
 */
class UpstreamTransportTest {

    private final List<HttpHeaders> seen = new CopyOnWriteArrayList<>();
    private final DisposableServer upstream = HttpServer.create().host("127.0.0.1").port(0)
            .handle((request, response) -> {
                seen.add(request.requestHeaders().copy());
                return request.receive().then(response.sendString(Mono.just("ok")).then());
            })
            .bindNow();
    private final UpstreamTransport transport = new UpstreamTransport(UpstreamClients.of(HttpClient.create()),
            "http://127.0.0.1:" + upstream.port() + "/v1",
            List.of(Map.entry("x-title", "Switchboard"), Map.entry("User-Agent", "switchboard-test"),
                    Map.entry("Authorization", "configured, to be replaced"),
                    Map.entry("Content-Type", "application/json"), Map.entry("Authorization", "Bearer sk-test")),
            Long.MAX_VALUE);

    @AfterEach
    void stop() {
        upstream.disposeNow();
    }

    @Test
    void everyRequestCarriesTheFixedHeadersOnceWithTheLastOfANameWinning() {
        call(false, Function.identity());
        call(true, Function.identity());

        assertThat(seen).hasSize(2).allSatisfy(headers -> {
            assertThat(headers.getAll("authorization")).containsExactly("Bearer sk-test");
            assertThat(headers.getAll("content-type")).containsExactly("application/json");
            assertThat(headers.getAll("x-title")).containsExactly("Switchboard");
            assertThat(headers.getAll("user-agent")).as("a configured header replaces Reactor Netty's default")
                    .containsExactly("switchboard-test");
            assertThat(headers.contains("traceparent")).isFalse();
        });
        assertThat(seen.get(0).getAll("accept")).containsExactly("*/*");
        assertThat(seen.get(1).getAll("accept")).containsExactly("text/event-stream, application/json");
    }

    @Test
    void theAttemptsTraceparentGoesOnItsOwnRequestOnly() {
        String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        call(true, context -> UpstreamHeaders.into(context, Map.of("traceparent", traceparent)));
        call(true, Function.identity());

        assertThat(seen.get(0).getAll("traceparent")).containsExactly(traceparent);
        assertThat(seen.get(1).contains("traceparent")).as("the shared header set was not changed").isFalse();
        assertThat(seen.get(1).getAll("authorization")).containsExactly("Bearer sk-test");
    }

    @Test
    void tellsTheAttemptWhenItsRequestGoesOutNotWhileItWaitsForAConnection() throws Exception {
        Sinks.Empty<Void> release = Sinks.empty();
        CountDownLatch firstArrived = new CountDownLatch(1);
        DisposableServer held = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> {
                    firstArrived.countDown();
                    return request.receive().then(response.sendString(release.asMono().then(Mono.just("ok"))).then());
                })
                .bindNow();
        ConnectionProvider oneConnection = ConnectionProvider.builder("one").maxConnections(1).build();
        UpstreamTransport queued = new UpstreamTransport(UpstreamClients.of(HttpClient.create(oneConnection)),
                "http://127.0.0.1:" + held.port() + "/v1", List.of(), Long.MAX_VALUE);
        List<String> told = new CopyOnWriteArrayList<>();
        RequestProgress.Listener listener = new RequestProgress.Listener() {
            @Override
            public void connecting() {
                told.add("connecting");
            }

            @Override
            public void sent() {
                told.add("sent");
            }
        };
        try {
            CompletableFuture<String> first = answer(queued, Function.identity()).toFuture();
            assertThat(firstArrived.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<String> second = answer(queued, context -> RequestProgress.listen(context, listener))
                    .toFuture();

            Thread.sleep(200);
            assertThat(told).as("waiting for the one connection").containsExactly("connecting");
            release.tryEmitEmpty();

            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
            assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
            assertThat(told).containsExactly("connecting", "sent");
        } finally {
            oneConnection.disposeLater().block(Duration.ofSeconds(5));
            held.disposeNow();
        }
    }

    @Test
    void letsTheRequestBodyGoOnceTheAnswerBeganWhileTheAnswerStillRuns() throws Exception {
        Sinks.Empty<Void> finish = Sinks.empty();
        DisposableServer streaming = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().then(response
                        .sendString(Mono.just("first").concatWith(finish.asMono().then(Mono.just("last")))).then()))
                .bindNow();
        UpstreamTransport open = new UpstreamTransport(UpstreamClients.of(HttpClient.create()),
                "http://127.0.0.1:" + streaming.port() + "/v1", List.of(), Long.MAX_VALUE);
        byte[] prompt = new byte[64 * 1024];
        Arrays.fill(prompt, (byte) 'a');
        WeakReference<byte[]> body = new WeakReference<>(prompt);
        Flux<String> answer = open.exchange(HttpMethod.POST, open.uri("/chat/completions"), prompt, true,
                (response, content) -> content.map(buffer -> buffer.toString(StandardCharsets.UTF_8)));
        prompt = null;
        List<String> parts = new CopyOnWriteArrayList<>();
        CountDownLatch firstPart = new CountDownLatch(1);
        try {
            Disposable running = answer.subscribe(part -> {
                parts.add(part);
                firstPart.countDown();
            });
            assertThat(firstPart.await(5, TimeUnit.SECONDS)).isTrue();

            for (int i = 0; i < 20 && body.get() != null; i++) {
                System.gc();
                Thread.sleep(20);
            }

            assertThat(body.get()).as("the body, with the answer still open and its publisher held").isNull();
            assertThat(parts).as("the answer's first part came, its last not yet").containsExactly("first");
            assertThat(running.isDisposed()).isFalse();
            Reference.reachabilityFence(answer);
            Reference.reachabilityFence(running);
        } finally {
            finish.tryEmitEmpty();
            streaming.disposeNow();
        }
    }

    @Test
    void anExchangeSubscribedAgainAfterItsAnswerBeganFailsInsteadOfSendingNoBody() {
        Mono<String> once = answer(transport, Function.identity());

        assertThat(once.block(Duration.ofSeconds(5))).isEqualTo("ok");
        StepVerifier.create(once)
                .expectErrorSatisfies(error -> assertThat(error).hasMessageContaining("subscribed once"))
                .verify(Duration.ofSeconds(5));
        assertThat(seen).hasSize(1);
    }

    /**
     * Reactor Netty's HTTP/2 pool frees a cancelled stream's place at once, Netty only once the stream's reset is
     * written. Streams waiting for a place on a full connection then met it still full, twice in a row, and
     * failed with nothing sent ({@code IOException}: "Max active streams is reached"), which the gateway took for
     * a network failure of the key. Here all but a few cancel-and-replace rounds failed so before the change.
     */
    @Test
    void streamsWaitingBehindJustCancelledStreamsOfAFullConnectionGoOutOnceTheirPlacesAreFree() throws Exception {
        int full = 100;
        DisposableServer endless = HttpServer.create().host("127.0.0.1").port(0).protocol(HttpProtocol.H2C)
                .http2Settings(settings -> settings.maxConcurrentStreams(full))
                .handle((request, response) -> response.sendString(
                        Flux.interval(Duration.ZERO, Duration.ofMillis(100)).map(tick -> "x")))
                .bindNow();
        ConnectionProvider oneConnection = ConnectionProvider.builder("one-connection").maxConnections(1)
                .pendingAcquireMaxCount(-1).build();
        UpstreamTransport h2c = new UpstreamTransport(
                UpstreamClients.of(HttpClient.create(oneConnection).protocol(HttpProtocol.H2C)),
                "http://127.0.0.1:" + endless.port() + "/v1", List.of(), Long.MAX_VALUE);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Disposable> open = new ArrayList<>();
        try {
            open.addAll(streams(h2c, full, failures));
            // three rounds of 20 resets and the rest closed at the end: below the upstream's rapid-reset guard (200)
            for (int round = 0; round < 3; round++) {
                List<Disposable> cancelled = new ArrayList<>(open.subList(0, 20));
                open.removeAll(cancelled);
                cancelled.forEach(Disposable::dispose);
                open.addAll(streams(h2c, cancelled.size(), failures));
            }

            assertThat(failures).isEmpty();
            assertThat(open).hasSize(full).noneMatch(Disposable::isDisposed);
        } finally {
            open.forEach(Disposable::dispose);
            oneConnection.disposeLater().block(Duration.ofSeconds(5));
            endless.disposeNow();
        }
    }

    /** {@code count} endless streams through {@code transport}, each once its first part came (or it failed). */
    private static List<Disposable> streams(UpstreamTransport transport, int count, List<Throwable> failures)
            throws InterruptedException {
        CountDownLatch begun = new CountDownLatch(count);
        List<Disposable> streams = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            streams.add(transport.exchange(HttpMethod.GET, transport.uri("/events"), null, true,
                            (response, body) -> body.map(part -> 1))
                    .switchOnFirst((first, parts) -> {
                        begun.countDown();
                        return parts;
                    })
                    .subscribe(part -> { }, failures::add));
        }
        assertThat(begun.await(10, TimeUnit.SECONDS)).as("every stream began or failed").isTrue();
        return streams;
    }

    @Test
    void anEndpointIsResolvedOnceAndReusedAfterwards() {
        URI first = transport.uri("/chat/completions");

        assertThat(transport.uri("/chat/completions")).isSameAs(first);
        assertThat(first).hasToString("http://127.0.0.1:" + upstream.port() + "/v1/chat/completions");
    }

    @Test
    void itsNameNeverShowsTheHeaders() {
        assertThat(transport.toString()).doesNotContain("sk-test").contains("/v1");
    }

    private static Mono<String> answer(UpstreamTransport transport, Function<Context, Context> context) {
        return transport.exchange(HttpMethod.POST, transport.uri("/chat/completions"), "{}".getBytes(), true,
                        (response, body) -> body.map(buffer -> buffer.toString(StandardCharsets.UTF_8)))
                .collectList().map(parts -> String.join("", parts))
                .contextWrite(context);
    }

    private void call(boolean stream, Function<Context, Context> context) {
        String answer = transport.exchange(HttpMethod.POST, transport.uri("/chat/completions"), "{}".getBytes(),
                        stream, (response, body) -> body.map(buffer -> buffer.toString(StandardCharsets.UTF_8)))
                .collectList().map(parts -> String.join("", parts))
                .contextWrite(context)
                .block(Duration.ofSeconds(5));
        assertThat(answer).isEqualTo("ok");
    }
}
