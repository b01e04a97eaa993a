package dev.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.SecuredGateway;
import dev.switchboard.testsupport.WsProbe;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Browsers from the configured origin may call; other origins are refused, WebSocket and SSE included. */
class CorsIT {

    private static final String ALLOWED = "https://app.example.org";
    private static final String FOREIGN = "https://evil.example.com";

    private final SecuredGateway gateway = SecuredGateway.get();
    private final WebTestClient http = gateway.http();

    @Test
    void aPreflightFromTheAllowedOriginIsAnsweredWithoutCredentials() {
        http.options().uri("/v1/chat/completions")
                .header(HttpHeaders.ORIGIN, ALLOWED)
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization, content-type")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED)
                .expectHeader().exists(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS)
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS);
    }

    @Test
    void theAllowedOriginCallsWithItsKeyAndSeesTheRoutingHeaders() {
        String key = gateway.createClient("browser", 0, 0, 0);

        http.post().uri("/api/chat").header(HttpHeaders.ORIGIN, ALLOWED).header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(SecuredGateway.chat("hi"))
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED)
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS,
                        exposed -> assertThat(exposed).contains("x-switchboard-provider").contains("Retry-After"));
    }

    @Test
    void anotherOriginIsRefusedEvenWithAValidKey() {
        String key = gateway.createClient("stolen-by-a-page", 0, 0, 0);

        http.options().uri("/api/chat").header(HttpHeaders.ORIGIN, FOREIGN)
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("origin_not_allowed");
        http.post().uri("/api/chat").header(HttpHeaders.ORIGIN, FOREIGN).header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(SecuredGateway.chat("hi"))
                .exchange()
                .expectStatus().isForbidden()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
        http.get().uri("/api/v1/brain/tasks?access_token=" + key).header(HttpHeaders.ORIGIN, FOREIGN)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange()
                .expectStatus().isForbidden();
    }

    @Test
    void aWebSocketHandshakeFromAnotherOriginIsRefusedAndFromTheAllowedOneAccepted() {
        String key = gateway.createClient("socket-origin", 0, 0, 0);
        URI socket = URI.create("ws://127.0.0.1:" + gateway.port() + "/api/chat/ws?access_token=" + key);
        String hello = "{\"id\":\"1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        WsProbe.Seen foreign = WsProbe.talk(socket, origin(FOREIGN), List.of(hello), replies -> !replies.isEmpty(),
                Duration.ofSeconds(5));
        WsProbe.Seen allowed = WsProbe.talk(socket, origin(ALLOWED), List.of(hello),
                replies -> replies.stream().anyMatch(r -> r.contains("\"done\"")), Duration.ofSeconds(10));

        assertThat(foreign.refused()).isTrue();
        assertThat(foreign.error()).hasMessageContaining("403");
        assertThat(allowed.error()).isNull();
        assertThat(allowed.replies()).anyMatch(r -> r.contains("\"type\":\"done\""));
    }

    @Test
    void clientsThatSendNoOriginAreNotAffected() {
        http.get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
    }

    private static HttpHeaders origin(String origin) {
        HttpHeaders headers = new HttpHeaders();
        headers.setOrigin(origin);
        return headers;
    }
}
