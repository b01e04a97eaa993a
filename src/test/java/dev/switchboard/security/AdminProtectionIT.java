package dev.switchboard.security;

import static dev.switchboard.testsupport.SecuredGateway.chat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.SecuredGateway;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/** The admin token guards runtime control, actuator and every status endpoint; client keys never open them. */
class AdminProtectionIT {

    private final SecuredGateway gateway = SecuredGateway.get();
    private final WebTestClient http = gateway.http();

    @ParameterizedTest
    @ValueSource(strings = {"GET /admin/keys", "GET /admin/clients", "POST /admin/config/reload",
            "POST /admin/health-check", "GET /actuator/prometheus", "GET /actuator/metrics",
            "POST /api/v1/brain/config/reload", "GET /api/v1/brain/status", "GET /api/v1/brain/providers/status",
            "GET /api/v1/requests", "GET /api/v1/live", "GET /health/keys", "GET /analytics/usage"})
    void adminPathsNeedTheAdminTokenAndRefuseClientKeys(String request) {
        String key = gateway.createClient("not-an-admin", 0, 0, 0);

        assertThat(error(request, null, 401).path("code").asString()).isEqualTo("admin_token_required");
        assertThat(error(request, "Bearer wrong-token-of-some-length", 401).path("code").asString())
                .isEqualTo("invalid_admin_token");
        JsonNode forbidden = error(request, "Bearer " + key, 403);
        assertThat(forbidden.path("code").asString()).isEqualTo("admin_only");
        assertThat(forbidden.path("type").asString()).isEqualTo("permission_error");
    }

    @Test
    void theAdminTokenOpensAdminAndActuatorAndWorksWhereAClientKeyDoes() {
        WebTestClient admin = gateway.admin();

        admin.get().uri("/admin/keys").exchange().expectStatus().isOk();
        admin.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
        admin.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON).bodyValue(chat("hi")).exchange()
                .expectStatus().isOk();
        http.get().uri("/v1/models").header("x-api-key", SecuredGateway.ADMIN_TOKEN).exchange().expectStatus().isOk();
    }

    @Test
    void healthStaysOpenForProbes() {
        http.get().uri("/actuator/health").exchange().expectStatus().isOk();
        http.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
    }

    @Test
    void anonymousHealthShowsTheStatusOnlyAndTheAdminTokenSeesTheDetails() {
        String clientKey = gateway.createClient("health-reader", 0, 0, 0);
        JsonNode anonymous = http.get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        JsonNode client = http.get().uri("/actuator/health").header("authorization", "Bearer " + clientKey).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        JsonNode operator = gateway.admin().get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(anonymous.propertyNames()).doesNotContain("components", "details").contains("status");
        assertThat(client.propertyNames()).doesNotContain("components", "details").contains("status");
        assertThat(operator.path("components").propertyNames()).contains("diskSpace", "r2dbc");
        assertThat(operator.path("components").path("diskSpace").path("details").has("path")).isTrue();
    }

    @Test
    void refusalsAreOpenAiShapedAndNameNoRoute() {
        http.get().uri("/admin/keys").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectHeader().doesNotExist("x-switchboard-key")
                .expectBody()
                .jsonPath("$.error.message").isNotEmpty()
                .jsonPath("$.error.type").isEqualTo("authentication_error")
                .jsonPath("$.error.param").isEmpty()
                .jsonPath("$.error.request_id").isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ADMIN/keys", "/%61dmin/keys", "/admin//keys", "/api/../admin/keys", "/admin/./keys",
            "/admin/keys/", "//admin/keys", "/admin;x=1/keys"})
    void oddSpellingsOfAnAdminPathNeverReachItWithoutTheToken(String path) throws IOException {
        String key = gateway.createClient("path-tricks", 0, 0, 0);

        for (String auth : new String[] {null, "Bearer " + key}) {
            String head = raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                    + (auth == null ? "" : "Authorization: " + auth + "\r\n") + "Connection: close\r\n\r\n");
            assertThat(head).as(path).doesNotStartWith("HTTP/1.1 200").doesNotStartWith("HTTP/1.1 5");
        }
    }

    @Test
    void demoLikeCredentialsOpenNothing() {
        for (String header : List.of("Bearer unused", "Bearer ", "Basic YWRtaW46YWRtaW4=", "Bearer sb-")) {
            http.get().uri("/admin/keys").header(HttpHeaders.AUTHORIZATION, header).exchange()
                    .expectStatus().isUnauthorized();
        }
    }

    private JsonNode error(String request, String authorization, int status) {
        String[] parts = request.split(" ");
        WebTestClient.RequestBodySpec spec = http.method(HttpMethod.valueOf(parts[0])).uri(parts[1]);
        if (authorization != null) {
            spec.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        return spec.exchange().expectStatus().isEqualTo(status)
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("error");
    }

    /** A request written byte for byte, so no client normalises the path first; answers the status line. */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII);
        }
    }
}
