package dev.switchboard.security;

import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.testsupport.SecuredGateway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/** The shared test context runs like the demo: nothing required, yet a client key still names its client. */
@GatewayIT
class DemoModeIT {

    @Autowired
    WebTestClient http;

    @Test
    void chatAndAdminAnswerWithoutCredentialsOrWithTheSdkPlaceholderKey() {
        chat(null).expectStatus().isOk();
        chat("Bearer unused").expectStatus().isOk();
        http.get().uri("/admin/keys").exchange().expectStatus().isOk();
    }

    @Test
    void aValidClientKeyStillNamesItsClientSoItsLimitsApply() {
        JsonNode created = SecuredGateway.createClientAnswer(http, "demo-client", 1, 0, 0);
        String key = created.path("key").asString();

        chat("Bearer " + key).expectStatus().isOk();
        chat("Bearer " + key).expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.error.code").isEqualTo("client_rate_limited");
        chat(null).expectStatus().isOk();
    }

    /** The demo profile itself allows any origin (for the sample pages); this context lists none. */
    @Test
    void corsAppliesInDemoModeToo() {
        http.get().uri("/v1/models").header(HttpHeaders.ORIGIN, "https://elsewhere.example").exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("origin_not_allowed");
    }

    private WebTestClient.ResponseSpec chat(String authorization) {
        WebTestClient.RequestBodySpec request = http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON);
        if (authorization != null) {
            request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        return request.bodyValue(SecuredGateway.chat("hi")).exchange();
    }
}
