package dev.switchboard.security;

import static dev.switchboard.testsupport.SecuredGateway.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.SwitchboardApplication;
import dev.switchboard.testsupport.OutputTee;
import dev.switchboard.testsupport.SecuredGateway;
import dev.switchboard.testsupport.WsProbe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/** Client keys: created through the admin API or the command line, shown once, stored as a hash, revocable. */
class ClientKeysIT {

    private static final Pattern KEY = Pattern.compile("sb-[0-9a-f]{16}-[A-Za-z0-9_-]{43}");

    private final SecuredGateway gateway = SecuredGateway.get();
    private final WebTestClient http = gateway.http();

    @Test
    void chatSurfacesRefuseARequestWithoutAKey() {
        JsonNode error = http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON).bodyValue(chat("hi"))
                .exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"switchboard\"")
                .expectHeader().exists("X-Request-Id")
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(error.path("error").path("type").asString()).isEqualTo("authentication_error");
        assertThat(error.path("error").path("code").asString()).isEqualTo("missing_api_key");
        assertThat(error.path("error").has("param")).isTrue();
        for (String path : List.of("/v1/models", "/api/v1/brain/tasks", "/api/chat/ws")) {
            http.get().uri(path).exchange().expectStatus().isUnauthorized();
        }
    }

    @Test
    void anUnknownMistypedOrForeignKeyIsRefused() {
        String unknown = "sb-0123456789abcdef-" + "A".repeat(43);
        String valid = gateway.createClient("mistyped", 0, 0, 0);
        String mistyped = valid.substring(0, valid.length() - 1) + (valid.endsWith("x") ? "y" : "x");

        for (String key : List.of(unknown, mistyped, "sk-proj-notours", "unused", "Basic dXNlcjpwYXNz")) {
            JsonNode error = http.post().uri("/api/chat").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(chat("hi"))
                    .exchange()
                    .expectStatus().isUnauthorized()
                    .expectBody(JsonNode.class).returnResult().getResponseBody();
            assertThat(error.path("error").path("code").asString()).isEqualTo("invalid_api_key");
        }
    }

    @Test
    void aNewKeyWorksOnEverySurfaceInTheWaysClientsSendIt() {
        String key = gateway.createClient("surfaces", 0, 0, 0);

        http.post().uri("/api/chat").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(chat("hi")).exchange().expectStatus().isOk();
        http.post().uri("/api/chat/stream").header(HttpHeaders.AUTHORIZATION, "bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(chat("hi")).exchange().expectStatus().isOk();
        http.post().uri("/v1/chat/completions").header("x-api-key", key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange().expectStatus().isOk();
        http.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange().expectStatus().isOk();
        http.post().uri("/api/v1/brain/process").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"task_type\":\"chat\",\"input_data\":\"hi\"}")
                .exchange().expectStatus().isOk();

        WsProbe.Seen socket = WsProbe.talk(URI.create("ws://127.0.0.1:" + gateway.port() + "/api/chat/ws?access_token="
                + key), new HttpHeaders(), List.of("{\"id\":\"1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                replies -> replies.stream().anyMatch(r -> r.contains("\"done\"")), Duration.ofSeconds(10));
        assertThat(socket.error()).isNull();
        assertThat(socket.replies()).anyMatch(r -> r.contains("\"type\":\"done\""));
    }

    @Test
    void theUrlCarriesAKeyOnlyForGetRequestsLikeTheWebSocketHandshake() {
        String key = gateway.createClient("query", 0, 0, 0);

        http.post().uri("/api/chat?access_token=" + key).contentType(MediaType.APPLICATION_JSON).bodyValue(chat("hi"))
                .exchange().expectStatus().isUnauthorized();
        http.get().uri("/v1/models?access_token=" + key).exchange().expectStatus().isOk();
    }

    @Test
    void theKeyIsInTheCreationAnswerOnlyAndTheDatabaseKeepsASaltedHash() {
        JsonNode created = SecuredGateway.createClientAnswer(gateway.admin(), "shown-once", 5, 100, 1000);
        String key = created.path("key").asString();
        String id = created.path("client").path("id").asString();
        String secret = key.substring(key.lastIndexOf('-', key.length() - 44) + 1);

        assertThat(key).matches(KEY.pattern()).startsWith("sb-" + id + "-");
        assertThat(created.path("warning").asString()).contains("shown only once");
        assertThat(created.path("client").path("masked_key").asString()).isEqualTo("sb-" + id + "-****");
        String listed = gateway.admin().get().uri("/admin/clients").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(listed).contains(id).contains("\"requests_per_minute\":5").doesNotContain(key.substring(20));

        Map<String, Object> row = gateway.bean(DatabaseClient.class)
                .sql("select * from client_key where id = :id").bind("id", id).fetch().one()
                .block(Duration.ofSeconds(5));
        assertThat(row).containsKeys("salt", "secret_hash", "hash_algorithm");
        assertThat(row.get("hash_algorithm")).isEqualTo("sha256");
        for (Object value : row.values()) {
            String text = value instanceof ByteBuffer b ? StandardCharsets.ISO_8859_1.decode(b.duplicate()).toString()
                    : value instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1) : String.valueOf(value);
            assertThat(text).doesNotContain(secret).doesNotContain(key);
        }
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceAndRevokingTwiceKeepsTheFirstTime() {
        JsonNode created = SecuredGateway.createClientAnswer(gateway.admin(), "to-revoke", 0, 0, 0);
        String key = created.path("key").asString();
        String id = created.path("client").path("id").asString();
        modelsWith(key).expectStatus().isOk();

        JsonNode revoked = gateway.admin().delete().uri("/admin/clients/" + id).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(revoked.path("client").path("revoked_at").isNull()).isFalse();
        modelsWith(key).expectStatus().isUnauthorized();
        JsonNode again = gateway.admin().delete().uri("/admin/clients/" + id).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(again.path("client").path("revoked_at")).isEqualTo(revoked.path("client").path("revoked_at"));
        gateway.admin().delete().uri("/admin/clients/0000000000000000").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("client_not_found");
    }

    @Test
    void keysCreatedOrRevokedByAnotherInstanceTakeEffectAfterTheCacheRefresh() {
        ClientKeys.Generated generated = ClientKeys.generate();
        ClientKeyStore store = gateway.bean(ClientKeyStore.class);
        store.insert(new ClientRecord(generated.id(), "elsewhere", generated.salt(), generated.hash(), 0, 0, 0,
                Instant.now(), null)).block(Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(5)).until(() -> modelsStatus(generated.key()) == 200);

        gateway.bean(DatabaseClient.class).sql("update client_key set revoked_at = now() where id = :id")
                .bind("id", generated.id()).fetch().rowsUpdated().block(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> modelsStatus(generated.key()) == 401);
    }

    @Test
    void creatingAClientValidatesNameAndLimits() {
        WebTestClient admin = gateway.admin();

        assertThat(badRequest(admin, "{}")).isEqualTo("name_required");
        assertThat(badRequest(admin, "{\"name\":\"  \"}")).isEqualTo("name_required");
        assertThat(badRequest(admin, "{\"name\":\"" + "n".repeat(101) + "\"}")).isEqualTo("invalid_name");
        assertThat(badRequest(admin, "{\"name\":\"x\",\"requests_per_minute\":-1}")).isEqualTo("invalid_limit");
        assertThat(badRequest(admin, "{\"name\":\"x\",\"daily_tokens\":\"many\"}")).isEqualTo("invalid_type");
        assertThat(badRequest(admin, "{\"name\":")).isEqualTo("invalid_json");
    }

    @Test
    void theCommandLinePrintsANewKeyOnceWithoutLoggingItAndExits() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit;
        try {
            exit = ClientKeyCommandLine.run(SwitchboardApplication.class, new String[] {"--spring.profiles.active=security",
                    "--switchboard.security.create-client=from-the-command-line"},
                    new PrintStream(printed, true, StandardCharsets.UTF_8));
        } finally {
            // the command quiets the JVM-wide log for itself; the other contexts of this JVM log as before
            LoggingSystem.get(getClass().getClassLoader()).setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        Matcher key = KEY.matcher(output);

        assertThat(exit).isZero();
        assertThat(key.find()).as(output).isTrue();
        String printedKey = key.group();
        assertThat(output).contains("from-the-command-line").contains("shown only this once");
        assertThat(key.find()).as("printed once").isFalse();
        assertThat(OutputTee.captured()).doesNotContain(printedKey);
        await().atMost(Duration.ofSeconds(5)).until(() -> modelsStatus(printedKey) == 200);
    }

    private WebTestClient.ResponseSpec modelsWith(String key) {
        return http.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange();
    }

    /** Polled without assertions: a failed WebTestClient assertion logs the request, key included. */
    private int modelsStatus(String key) {
        return modelsWith(key).returnResult(Void.class).getStatus().value();
    }

    private static String badRequest(WebTestClient admin, String body) {
        return admin.post().uri("/admin/clients").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isBadRequest()
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("error").path("code").asString();
    }
}
