package dev.switchboard.observability.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.GatewayIT;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@GatewayIT
class LiveFeedIT {

    private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
    };

    @Autowired
    WebTestClient http;

    @Autowired
    JsonMapper json;

    @LocalServerPort
    int port;

    /** Subscribes to the live feed, then sends the request once the first snapshot proves we listen. */
    private List<ServerSentEvent<String>> listenWhile(Mono<String> request, Predicate<ServerSentEvent<String>> until) {
        Flux<ServerSentEvent<String>> live = WebClient.create("http://127.0.0.1:" + port).get().uri("/api/v1/live")
                .accept(MediaType.TEXT_EVENT_STREAM).retrieve().bodyToFlux(SSE);
        return live.publish(events -> Flux.merge(events,
                        events.take(1).then(request).then(Mono.empty())))
                .takeUntil(until)
                .take(Duration.ofSeconds(15))
                .collectList()
                .block(Duration.ofSeconds(20));
    }

    private Mono<String> post(String uri, String body) {
        return WebClient.create("http://127.0.0.1:" + port).post().uri(uri).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchangeToMono(response -> Mono.just(
                        response.headers().asHttpHeaders().getFirst("X-Request-Id")));
    }

    private JsonNode data(ServerSentEvent<String> event) {
        return json.readTree(event.data());
    }

    private static Predicate<ServerSentEvent<String>> requestEnded(String provider) {
        return e -> "request".equals(e.event()) && e.data() != null && e.data().contains("\"provider\":\"" + provider + "\"");
    }

    @Test
    void aStreamedRequestThroughTheSimulatorShowsUpWithItsRouteAttemptsAndTimeToFirstToken() {
        List<ServerSentEvent<String>> events = listenWhile(
                post("/api/chat/stream", "{\"provider\":\"keyfail\",\"messages\":[{\"role\":\"user\",\"content\":\"live\"}]}"),
                requestEnded("keyfail"));

        assertThat(events.get(0).event()).isEqualTo("snapshot");
        ServerSentEvent<String> ended = events.get(events.size() - 1);
        assertThat(ended.event()).isEqualTo("request");
        JsonNode request = data(ended);
        assertThat(request.path("type").asString()).isEqualTo("request");
        assertThat(request.path("surface").asString()).isEqualTo("sse");
        assertThat(request.path("path").asString()).isEqualTo("model");
        assertThat(request.path("key").asString()).isEqualTo("keyfail-ok");
        assertThat(request.path("outcome").asString()).isEqualTo("success");
        assertThat(request.path("ttft_ms").asLong()).isPositive();
        assertThat(request.path("latency_ms").asLong()).isGreaterThanOrEqualTo(request.path("ttft_ms").asLong());
        JsonNode attempts = request.path("attempts");
        assertThat(attempts.get(attempts.size() - 1).path("outcome").asString()).isEqualTo("ok");
        assertThat(request.path("fallback").asBoolean()).isEqualTo(attempts.size() > 1);
        for (int i = 0; i < attempts.size() - 1; i++) {
            assertThat(attempts.get(i).path("error_class").asString()).isEqualTo("server_error");
        }
        assertThat(ended.data()).doesNotContain("sim-ok-kf3", "sim-error-500-kf2", "sim-fail-before-first-kf1");
    }

    @Test
    void aRequestThatFailsEverywhereShowsEveryAttemptAndItsErrorClass() {
        List<ServerSentEvent<String>> events = listenWhile(
                post("/api/chat", "{\"provider\":\"allfail\",\"messages\":[{\"role\":\"user\",\"content\":\"live\"}]}"),
                requestEnded("allfail"));

        JsonNode request = data(events.get(events.size() - 1));
        assertThat(request.path("surface").asString()).isEqualTo("sync");
        assertThat(request.path("outcome").asString()).isEqualTo("failed");
        assertThat(request.path("fallback").asBoolean()).isTrue();
        assertThat(request.has("ttft_ms")).isFalse();
        assertThat(request.path("attempts").size()).isGreaterThanOrEqualTo(2);
        assertThat(request.path("attempts").findValuesAsString("error_class"))
                .allSatisfy(errorClass -> assertThat(errorClass).isIn("server_error", "overloaded"));
    }

    @Test
    void snapshotsCountTheRequestsOfTheLastWindow() {
        http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"messages\":[{\"role\":\"user\",\"content\":\"count me\"}]}")
                .exchange().expectStatus().isOk();

        List<ServerSentEvent<String>> events = listenWhile(Mono.empty(),
                e -> "snapshot".equals(e.event()) && json.readTree(e.data()).path("requests").asInt() > 0);

        JsonNode snapshot = data(events.get(events.size() - 1));
        assertThat(snapshot.path("requests_per_second").asDouble()).isPositive();
        assertThat(snapshot.path("latency_p50_ms").asLong()).isPositive();
        assertThat(snapshot.path("window_seconds").asInt()).isEqualTo(10);
        assertThat(snapshot.path("listeners").asInt()).isPositive();
        assertThat(snapshot.has("in_flight")).isTrue();
    }
}
