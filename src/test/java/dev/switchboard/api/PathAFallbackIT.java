package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.SwitchboardApplication;
import dev.switchboard.testsupport.Sse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Path A falls back across providers: two of three always fail, every request still succeeds. */
@SpringBootTest(classes = SwitchboardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
@ActiveProfiles("path-a-fallback")
class PathAFallbackIT {

    @Autowired
    WebTestClient http;

    @Autowired
    JsonMapper json;

    @Test
    void syncRequestsFallBackPastFailingProvidersToTheHealthyOne() {
        Set<String> firstTried = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            JsonNode body = http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .exchange().expectStatus().isOk()
                    .expectBody(JsonNode.class).returnResult().getResponseBody();
            assertThat(body.path("provider").asString()).isEqualTo("up");
            JsonNode attempts = body.path("attempts");
            firstTried.add(attempts.get(0).path("provider").asString());
            for (int a = 0; a < attempts.size() - 1; a++) {
                assertThat(attempts.get(a).path("provider").asString()).isIn("down", "broken");
                assertThat(attempts.get(a).path("outcome").asString()).isEqualTo("error");
            }
        }
        assertThat(firstTried).as("round-robin start").containsExactlyInAnyOrder("down", "broken", "up");
    }

    @Test
    void streamsFallBackAcrossProvidersInvisibly() {
        for (int i = 0; i < 3; i++) {
            String body = http.post().uri("/api/chat/stream").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .exchange().expectStatus().isOk()
                    .expectHeader().valueEquals("x-switchboard-provider", "up")
                    .expectBody(String.class).returnResult().getResponseBody();
            List<Sse.Frame> frames = Sse.parse(body);
            assertThat(frames).as(body).extracting(Sse.Frame::event).containsExactly("chunk", "chunk", "chunk", "chunk", "done");
        }
    }

    @Test
    void withFallbackOffEveryRequestMakesASingleAttempt() {
        for (int i = 0; i < 3; i++) {
            JsonNode body = http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"fallback\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .exchange().expectBody(JsonNode.class).returnResult().getResponseBody();
            JsonNode attempts = body.has("error") ? body.path("error").path("attempts") : body.path("attempts");
            assertThat(attempts).hasSize(1);
        }
    }
}
