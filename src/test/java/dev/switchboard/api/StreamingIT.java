package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.SimulatorServer;
import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.testsupport.Sse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@GatewayIT
class StreamingIT {

    @Autowired
    WebTestClient http;

    @Autowired
    SimulatorServer simulator;

    @Autowired
    JsonMapper json;

    @LocalServerPort
    int port;

    private WebTestClient.ResponseSpec stream(String body) {
        return http.post().uri("/api/chat/stream").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private JsonNode read(String data) {
        return json.readTree(data);
    }

    @Test
    void streamsChunksThenDoneWithTheMetadata() {
        String body = stream("{\"messages\":[{\"role\":\"user\",\"content\":\"Stream it\"}]}")
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectHeader().valueEquals("Cache-Control", "no-cache")
                .expectHeader().valueEquals("X-Accel-Buffering", "no")
                .expectHeader().exists("x-switchboard-provider")
                .expectBody(String.class).returnResult().getResponseBody();

        List<Sse.Frame> frames = Sse.parse(body);
        assertThat(frames).hasSize(7);
        assertThat(frames.subList(0, 6)).allSatisfy(f -> assertThat(f.event()).isEqualTo("chunk"));
        StringBuilder text = new StringBuilder();
        frames.subList(0, 6).forEach(f -> text.append(read(f.data()).path("delta").asString()));
        assertThat(text.toString()).startsWith("Simulated answer to “Stream it”");
        Sse.Frame done = frames.get(6);
        assertThat(done.event()).isEqualTo("done");
        JsonNode meta = read(done.data());
        assertThat(meta.path("provider").asString()).isIn("alpha", "beta");
        assertThat(meta.path("usage").path("completion_tokens").asInt()).isEqualTo(6);
        assertThat(meta.path("finish_reason").asString()).isEqualTo("stop");
    }

    @Test
    void aFailureBeforeTheFirstChunkIsInvisibleToTheClient() {
        String body = stream("{\"provider\":\"keyfail\",\"fallback\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .expectStatus().isOk()
                .expectHeader().valueEquals("x-switchboard-key", "keyfail-ok")
                .expectBody(String.class).returnResult().getResponseBody();

        List<Sse.Frame> frames = Sse.parse(body);
        assertThat(frames).extracting(Sse.Frame::event).containsExactly("chunk", "chunk", "chunk", "chunk", "chunk",
                "chunk", "done");
        StringBuilder text = new StringBuilder();
        frames.subList(0, 6).forEach(f -> text.append(read(f.data()).path("delta").asString()));
        assertThat(text.toString()).isEqualTo("Simulated answer to “hi”: Switchboard routes");
        JsonNode done = read(frames.get(6).data());
        assertThat(done.path("key").asString()).isEqualTo("keyfail-ok");
        assertThat(done.path("attempts").findValuesAsString("outcome")).last().isEqualTo("ok");
    }

    @Test
    void whenEveryCandidateFailsBeforeTheFirstChunkTheClientGetsAPlain503() {
        stream("{\"provider\":\"allfail\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .expectStatus().isEqualTo(503)
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectHeader().doesNotExist("x-switchboard-provider")
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("all_keys_failed")
                .jsonPath("$.error.attempts.length()").isEqualTo(2);
    }

    @Test
    void aMidStreamFailureEndsTheStreamWithAnErrorEvent() {
        String body = stream("{\"provider\":\"midfail\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        List<Sse.Frame> frames = Sse.parse(body);
        assertThat(frames).extracting(Sse.Frame::event).containsExactly("chunk", "chunk", "error");
        JsonNode error = read(frames.get(2).data()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("stream_interrupted");
        assertThat(error.path("provider").asString()).isEqualTo("midfail");
    }

    @Test
    void aClientThatOptedOutOfResumingAndDisconnectsCancelsTheUpstreamStream() {
        long cancelledBefore = simulator.stats().cancelledStreams();
        Flux<String> lines = WebClient.create("http://127.0.0.1:" + port).post().uri("/api/chat/stream")
                .header("x-switchboard-resumable", "false")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"provider\":\"slow\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .retrieve().bodyToFlux(String.class);

        StepVerifier.create(lines.filter(line -> line.contains("delta")))
                .expectNextCount(2)
                .then(() -> assertThat(simulator.stats().activeStreams()).isPositive())
                .thenCancel()
                .verify(Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(simulator.stats().activeStreams()).isZero();
            assertThat(simulator.stats().cancelledStreams()).isGreaterThan(cancelledBefore);
        });
    }
}
