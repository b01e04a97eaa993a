package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

/** What the shared exchange makes of an answer, read straight from Reactor Netty. */
class UpstreamExchangeTest {

    private DisposableServer upstream;
    private UpstreamTransport transport;
    private final AtomicReference<HttpHeaders> errorHeaders = new AtomicReference<>();

    @AfterEach
    void stop() {
        if (upstream != null) {
            upstream.disposeNow();
        }
    }

    private UpstreamExchange exchange(String baseUrl) {
        transport = new UpstreamTransport(UpstreamClients.of(HttpClient.create()), baseUrl,
                List.of(Map.entry("content-type", "application/json")), Long.MAX_VALUE);
        return new UpstreamExchange(transport, (status, headers, body) -> {
            errorHeaders.set(headers);
            return new UpstreamException(status == 429 ? ErrorClass.RATE_LIMITED : ErrorClass.SERVER_ERROR, status,
                    null, new String(body, StandardCharsets.UTF_8), null);
        }, 1 << 16);
    }

    private UpstreamExchange answering(int status, Map<String, String> headers, Flux<String> body) {
        upstream = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> {
                    headers.forEach(response::header);
                    return request.receive().then(response.status(status).sendString(body).then());
                })
                .bindNow();
        return exchange("http://127.0.0.1:" + upstream.port());
    }

    @Test
    void aWholeAnswerLargerThanFourMebibytesFailsAsAServerError() {
        String mebibyte = "x".repeat(1024 * 1024);
        UpstreamExchange exchange = answering(200, Map.of("content-type", "application/json"),
                Flux.range(0, 5).map(i -> mebibyte));

        StepVerifier.create(exchange.complete(transport.uri("/chat"), new byte[0],
                        body -> new Completion("", "stop", Usage.NONE)))
                .expectErrorSatisfies(upstreamFailure(ErrorClass.SERVER_ERROR, "upstream response exceeds the size limit"))
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void aWholeAnswerUpToTheCapIsReadIntoOneArray() {
        String chunk = "y".repeat(64 * 1024);
        UpstreamExchange exchange = answering(200, Map.of("content-type", "application/json"),
                Flux.range(0, 64).map(i -> chunk));

        StepVerifier.create(exchange.complete(transport.uri("/chat"), new byte[0],
                        body -> new Completion(Integer.toString(body.length), "stop", Usage.NONE)))
                .assertNext(completion -> assertThat(completion.content()).isEqualTo(Integer.toString(4 * 1024 * 1024)))
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void anErrorAnswerGoesToTheReaderWithItsBodyAndHeaders() {
        UpstreamExchange exchange = answering(429, Map.of("retry-after", "7", "x-ratelimit-remaining-requests", "0"),
                Flux.just("{\"error\":", "\"slow down\"}"));

        StepVerifier.create(exchange.stream(transport.uri("/chat"), new byte[0], events -> Flux.empty(),
                        body -> Flux.empty()))
                .expectErrorSatisfies(upstreamFailure(ErrorClass.RATE_LIMITED, "{\"error\":\"slow down\"}"))
                .verify(Duration.ofSeconds(5));
        assertThat(errorHeaders.get().getFirst("retry-after")).isEqualTo("7");
        assertThat(errorHeaders.get().getFirst("X-RateLimit-Remaining-Requests")).isEqualTo("0");
    }

    @Test
    void aRefusedConnectionIsANetworkFailure() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        UpstreamExchange exchange = exchange("http://127.0.0.1:" + closedPort);

        StepVerifier.create(exchange.check(transport.uri("/models")))
                .expectErrorSatisfies(upstreamFailure(ErrorClass.NETWORK, "connection refused by upstream"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aKeyCheckPassesOnAnyTwoHundredAndReadsTheBodyToItsEnd() {
        UpstreamExchange exchange = answering(204, Map.of(), Flux.empty());

        StepVerifier.create(exchange.check(transport.uri("/models")))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    /** The failure an attempt records: an {@link UpstreamException} of this class with this message. */
    private static Consumer<Throwable> upstreamFailure(ErrorClass errorClass, String message) {
        return e -> {
            assertThat(e).isInstanceOf(UpstreamException.class).hasMessage(message);
            assertThat(((UpstreamException) e).errorClass()).isEqualTo(errorClass);
        };
    }
}
