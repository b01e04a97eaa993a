package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.SimulatorServer;
import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.usage.RequestLogWriter;
import dev.switchboard.web.RequestIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

@GatewayIT
class ChatApiIT {

    @Autowired
    WebTestClient http;

    @Autowired
    SimulatorServer simulator;

    @Autowired
    RequestLogWriter requestLog;

    @Autowired
    DatabaseClient database;

    private WebTestClient.ResponseSpec chat(String body) {
        return http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    @Test
    void answersWithContentRoutingAndUsage() {
        JsonNode body = chat("{\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                .expectStatus().isOk()
                .expectHeader().exists(RequestIds.HEADER)
                .expectHeader().valueEquals("x-switchboard-path", "default")
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(body.path("content").asString()).startsWith("Simulated answer to “Say hello”");
        assertThat(body.path("provider").asString()).isIn("alpha", "beta");
        assertThat(body.path("key").asString()).matches("(alpha|beta)#\\d");
        assertThat(body.path("path").asString()).isEqualTo("default");
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(6);
        assertThat(body.path("attempts")).hasSize(1);
        assertThat(body.toString()).doesNotContain("sim-ok");
    }

    @Test
    void unknownPathIsAnOpenAiStyle404() {
        JsonNode body = http.post().uri("/v1/no-such-endpoint").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange()
                .expectStatus().isNotFound()
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(body.path("error").path("code").asString()).isEqualTo("not_found");
        assertThat(body.path("error").path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(body.path("error").path("message").asString()).contains("Not found");
    }

    @Test
    void pathATakesProvidersRoundRobin() {
        List<String> providers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            providers.add(chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .expectStatus().isOk()
                    .returnResult(JsonNode.class).getResponseBody().blockFirst().path("provider").asString());
        }

        assertThat(providers.get(0)).isNotEqualTo(providers.get(1));
        assertThat(providers.get(2)).isEqualTo(providers.get(0));
        assertThat(providers.get(3)).isEqualTo(providers.get(1));
    }

    @Test
    void pathBFallsBackPastFailingKeysWithoutLeavingTheProvider() {
        long okBefore = simulator.stats().calls("sim-ok-kf3");
        JsonNode body = null;
        for (int i = 0; i < 3; i++) {
            body = chat("{\"model\":\"keyfail/kf-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .expectStatus().isOk()
                    .expectHeader().valueEquals("x-switchboard-path", "model")
                    .expectHeader().valueEquals("x-switchboard-key", "keyfail-ok")
                    .expectBody(JsonNode.class).returnResult().getResponseBody();
            assertThat(body.path("provider").asString()).isEqualTo("keyfail");
            for (JsonNode attempt : body.path("attempts")) {
                assertThat(attempt.path("provider").asString()).isEqualTo("keyfail");
            }
        }
        assertThat(simulator.stats().calls("sim-ok-kf3") - okBefore).isEqualTo(3);
        assertThat(body.path("attempts").get(body.path("attempts").size() - 1).path("outcome").asString()).isEqualTo("ok");
    }

    @Test
    void everyKeyFailingIsA503ListingEachAttempt() {
        JsonNode error = chat("{\"provider\":\"allfail\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .expectStatus().isEqualTo(503)
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("error");

        assertThat(error.path("code").asString()).isEqualTo("all_keys_failed");
        assertThat(error.path("attempts")).hasSize(2);
        // sim-fail-before-first: an in-band server error; sim-error-503: the provider is overloaded
        assertThat(error.path("attempts").findValuesAsString("error_class"))
                .containsExactlyInAnyOrder("server_error", "overloaded");
        assertThat(error.toString()).doesNotContain("sim-error", "sim-fail");
    }

    @Test
    void aContextLengthErrorGoesStraightToTheClientWithoutTryingOtherKeys() {
        long secondKey = simulator.stats().calls("sim-ok-br2");
        JsonNode error = chat("{\"provider\":\"badreq\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .expectStatus().isBadRequest()
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("error");

        assertThat(error.path("code").asString()).isEqualTo("context_length_exceeded");
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(simulator.stats().calls("sim-ok-br2")).isEqualTo(secondKey);
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
        "{bad json|invalid_json|malformed JSON",
        "{\"messages\":[]}|messages_required|empty messages",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"  \"}]}|empty_message|blank content",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"model\":\"gpt-unknown\"}|model_not_found|unknown model",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"provider\":\"nope\"}|provider_not_found|unknown provider",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"provider\":\"disabled\"}|provider_disabled|disabled provider",
        "{\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}|invalid_role|unknown role",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":\"many\"}|invalid_type|wrong type",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":0}|invalid_max_tokens|max_tokens out of range",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":3}|invalid_temperature|temperature out of range",
        "[]|invalid_type|array body"
    })
    void badInputIsA400InTheOpenAiErrorShape(String body, String code, String description) {
        JsonNode error = chat(body).expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("error");

        assertThat(error.path("code").asString()).isEqualTo(code);
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asString()).isNotBlank().doesNotContain("Exception", "at dev.");
    }

    @Test
    void anEmptyBodyIsA400() {
        http.post().uri("/api/chat").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("missing_body");
    }

    @Test
    void anIncomingRequestIdIsKept() {
        chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        http.post().uri("/api/chat").header(RequestIds.HEADER, "trace-12345678").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").exchange()
                .expectHeader().valueEquals(RequestIds.HEADER, "trace-12345678")
                .expectBody().jsonPath("$.id").isEqualTo("trace-12345678");
    }

    @Test
    void everyRequestGetsARequestLogRow() {
        String id = chat("{\"model\":\"keyfail/kf-1\",\"messages\":[{\"role\":\"user\",\"content\":\"log me\"}]}")
                .expectStatus().isOk()
                .returnResult(JsonNode.class).getResponseHeaders().getFirst(RequestIds.HEADER);
        // the row is written by the request's last step, which may run just after the response was sent
        Map<String, Object> row = await().atMost(Duration.ofSeconds(5)).until(() -> {
            requestLog.flushAll().block(Duration.ofSeconds(5));
            return database.sql("select * from request_log where id = :id").bind("id", id)
                    .fetch().one().block(Duration.ofSeconds(5));
        }, Objects::nonNull);

        assertThat(row.get("surface")).isEqualTo("sync");
        assertThat(row.get("path")).isEqualTo("model");
        assertThat(row.get("provider")).isEqualTo("keyfail");
        assertThat(row.get("key_alias")).isEqualTo("keyfail-ok");
        assertThat(row.get("outcome")).isEqualTo("success");
        assertThat((Integer) row.get("attempts")).isBetween(1, 3);
        assertThat((Integer) row.get("completion_tokens")).isEqualTo(6);
    }
}
