package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.testsupport.Sse;
import dev.switchboard.testsupport.WsProbe;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code preferred_provider} on every chat surface (seed 001's provider preference): the native body field on
 * {@code /api/chat}, {@code /api/chat/stream} and the WebSocket, the {@code x-switchboard-provider} header on
 * {@code /v1}. The preferred provider is tried first, the others after it unless {@code fallback: false}.
 * Path A alternates alpha and beta in the test context, so three answers in a row from beta are no accident.
 */
@GatewayIT
class PreferredProviderIT {

    private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    @Autowired
    WebTestClient http;

    @Autowired
    JsonMapper json;

    @LocalServerPort
    int port;

    private JsonNode chat(String body) {
        return http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    @Test
    void theNativeBodyFieldIsTriedFirstOnEveryRequest() {
        for (int i = 0; i < 3; i++) {
            assertThat(chat("{\"preferred_provider\":\"beta\"," + HI + "}").path("provider").asString()).isEqualTo("beta");
        }
    }

    @Test
    void theServerSentEventsSurfaceTakesItToo() {
        for (int i = 0; i < 2; i++) {
            String body = http.post().uri("/api/chat/stream").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"preferred_provider\":\"beta\"," + HI + "}").exchange().expectStatus().isOk()
                    .expectBody(String.class).returnResult().getResponseBody();
            List<Sse.Frame> frames = Sse.parse(body);
            Sse.Frame done = frames.get(frames.size() - 1);
            assertThat(done.event()).isEqualTo("done");
            assertThat(json.readTree(done.data()).path("provider").asString()).isEqualTo("beta");
        }
    }

    @Test
    void theWebSocketTakesItPerMessage() {
        WsProbe.Seen seen = WsProbe.talk(URI.create("ws://127.0.0.1:" + port + "/api/chat/ws"), new HttpHeaders(),
                List.of("{\"id\":\"1\",\"preferred_provider\":\"beta\"," + HI + "}",
                        "{\"id\":\"2\",\"preferred_provider\":\"beta\"," + HI + "}",
                        "{\"id\":\"3\",\"preferred_provider\":\"alpha\"," + HI + "}"),
                replies -> replies.stream().filter(r -> r.contains("\"type\":\"done\"")).count() == 3,
                Duration.ofSeconds(10));

        List<JsonNode> done = seen.replies().stream().map(json::readTree)
                .filter(m -> m.path("type").asString().equals("done")).toList();
        assertThat(done).hasSize(3);
        for (JsonNode message : done) {
            assertThat(message.path("provider").asString())
                    .isEqualTo(message.path("id").asString().equals("3") ? "alpha" : "beta");
        }
    }

    @Test
    void theV1HeaderNamesThePreferredProviderOnBothCompatibleApis() {
        for (int i = 0; i < 2; i++) {
            http.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                    .header("x-switchboard-provider", "beta")
                    .bodyValue("{\"model\":\"auto\"," + HI + "}").exchange().expectStatus().isOk()
                    .expectHeader().valueEquals("x-switchboard-provider", "beta");
            http.post().uri("/v1/messages").contentType(MediaType.APPLICATION_JSON)
                    .header("x-switchboard-provider", "beta")
                    .bodyValue("{\"model\":\"auto\",\"max_tokens\":16," + HI + "}").exchange().expectStatus().isOk()
                    .expectHeader().valueEquals("x-switchboard-provider", "beta");
        }
    }

    @Test
    void aFailingPreferredProviderFallsBackToTheOthers() {
        JsonNode answer = chat("{\"preferred_provider\":\"allfail\"," + HI + "}");

        assertThat(answer.path("provider").asString()).isIn("alpha", "beta");
        assertThat(answer.path("attempts").get(0).path("provider").asString()).isEqualTo("allfail");
    }

    @Test
    void withoutFallbackOnlyThePreferredProviderIsTried() {
        JsonNode error = http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"preferred_provider\":\"allfail\",\"fallback\":false," + HI + "}").exchange()
                .expectStatus().is5xxServerError().expectBody(JsonNode.class).returnResult().getResponseBody()
                .path("error");

        assertThat(error.path("attempts").findValuesAsString("provider")).containsOnly("allfail");
    }

    @Test
    void anUnknownPreferredProviderIsABadRequest() {
        http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"preferred_provider\":\"nope\"," + HI + "}").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("provider_not_found");
    }
}
