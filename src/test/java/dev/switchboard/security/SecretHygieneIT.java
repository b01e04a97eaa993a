package dev.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.SimulatorServer;
import dev.switchboard.testsupport.OutputTee;
import dev.switchboard.testsupport.ResponseRecorder;
import dev.switchboard.testsupport.SecuredGateway;
import dev.switchboard.testsupport.WsProbe;
import dev.switchboard.usage.RequestLogWriter;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * No provider key, client key or admin token ever leaves the gateway: a full scenario with known secret
 * values (sync, SSE, WebSocket, OpenAI, tasks, admin key pools and health checks, metrics, bad input that
 * quotes a key, failing keys whose upstream 401 body echoes the key in full) and then a scan of every
 * response status, header and body, every WebSocket message, every line the JVM printed since the gateway
 * started (JSON lines with their request and trace ids), every row of the tables it writes (trace ids
 * included) and every span it exported (attributes, events, error messages, as the collector received the
 * bytes). Masked forms ({@code sim-inv...4a60}) are allowed; the secret and its hidden middle are not.
 */
class SecretHygieneIT {

    private static final List<String> TABLES = List.of("request_log", "task_result", "key_state", "daily_counters",
            "client_key", "client_usage_daily");
    private static final String ADDED_OK = "sim-ok-ADDEDscan-2f4e6a8c0b1d3f57";
    private static final String ADDED_INVALID = "sim-invalid-ADDEDscan-8b6d4f2a0c9e7a13";
    /** Providers with a failing key first; the key is re-enabled before each surface so every surface meets it. */
    private static final List<String> ECHOING = List.of("scan-openai", "scan-claude", "scan-gemini", "scan-dead");

    private final SecuredGateway gateway = SecuredGateway.get();
    private final ResponseRecorder recorder = new ResponseRecorder();
    private final WebTestClient admin = gateway.admin(recorder);
    private final List<String> socketMessages = new ArrayList<>();

    @Test
    void noSecretAppearsInAnyResponseHeaderLogLineOrDatabaseRow() {
        JsonNode created = SecuredGateway.createClientAnswer(gateway.admin(), "secret-scan", 0, 0, 0);
        String clientKey = created.path("key").asString();
        assertThat(created.toString()).as("the creation answer is the one place the key appears").contains(clientKey);
        WebTestClient client = gateway.http(recorder).mutate()
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + clientKey).build();
        long echoesBefore = gateway.bean(SimulatorServer.class).stats().calls("sim-invalid-SCANopenai-7f3a9c2e1b5d4a60");

        everySurfaceMeetsTheFailingKeys(client, clientKey);
        operatorsWork();
        badInputQuotingSecrets(client, clientKey);
        wrongCredentials(clientKey);

        assertThat(gateway.bean(SimulatorServer.class).stats().calls("sim-invalid-SCANopenai-7f3a9c2e1b5d4a60") - echoesBefore)
                .as("the echoing key was really called by each of six chat surfaces").isGreaterThanOrEqualTo(6);
        gateway.bean(RequestLogWriter.class).flushAll().block(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gateway.collector()
                .spans(span -> "scan-openai#1".equals(span.text("switchboard.key.alias"))
                        && "invalid_key".equals(span.text("error.type"))))
                .as("control: the failing keys' attempts were exported as spans").isNotEmpty());
        Map<String, String> corpus = corpus();
        List<String> secrets = secrets(clientKey);

        assertThat(leaks(Map.of("the creation answer", created.toString()), secrets))
                .as("control: the scan finds the one answer that shows the key").isNotEmpty();
        assertThat(leaks(corpus, secrets)).isEmpty();
        System.out.printf("Secret scan: %d secrets (and their hidden middles) absent from %d responses "
                + "(%d header lines), %d WebSocket messages, %d captured output lines, %d database rows, %d spans%n",
                secrets.size() / 2, recorder.responses().size(), headerLines(), socketMessages.size(),
                corpus.get("output").lines().count(), corpus.keySet().stream().filter(k -> k.startsWith("row ")).count(),
                gateway.collector().spans().size());
    }

    private void everySurfaceMeetsTheFailingKeys(WebTestClient client, String clientKey) {
        reenableFailingKeys();
        JsonNode answer = client.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chatTo("scan-openai")).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(answer.path("attempts").get(0).path("message").asString())
                .as("the upstream echoed the key; the gateway shows its alias").contains("[key scan-openai#1]");
        for (String provider : List.of("scan-claude", "scan-gemini", "scan-dead", "scan-mid")) {
            client.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON).bodyValue(chatTo(provider)).exchange();
        }
        reenableFailingKeys();
        for (String provider : List.of("scan-openai", "scan-dead", "scan-mid")) {
            client.post().uri("/api/chat/stream").contentType(MediaType.APPLICATION_JSON).bodyValue(chatTo(provider))
                    .exchange().expectBody(String.class).returnResult();
        }
        reenableFailingKeys();
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"scan-openai/so-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange().expectBody(String.class).returnResult();
        reenableFailingKeys();
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"scan-dead/sd-1\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange().expectBody(String.class).returnResult();
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"scan-openai/so-1\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange().expectBody(String.class).returnResult();
        reenableFailingKeys();
        WsProbe.Seen socket = WsProbe.talk(URI.create("ws://127.0.0.1:" + gateway.port() + "/api/chat/ws?access_token="
                + clientKey), new HttpHeaders(), List.of(
                        "{\"id\":\"a\",\"provider\":\"scan-openai\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        "{\"id\":\"b\",\"provider\":\"scan-dead\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        "{\"id\":\"c\",\"provider\":\"scan-mid\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                replies -> replies.stream().filter(r -> r.contains("\"type\":\"done\"") || r.contains("\"type\":\"error\""))
                        .count() >= 3, Duration.ofSeconds(15));
        socketMessages.addAll(socket.replies());
        reenableFailingKeys();
        client.post().uri("/api/v1/brain/process").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"task_type\":\"chat\",\"input_data\":\"hi\",\"preferred_provider\":\"scan-openai\",\"model\":\"so-1\"}")
                .exchange().expectBody(String.class).returnResult();
        reenableFailingKeys();
        client.post().uri("/api/v1/brain/process/stream").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"task_type\":\"chat\",\"input_data\":\"hi\",\"preferred_provider\":\"scan-dead\",\"model\":\"sd-1\"}")
                .exchange().expectBody(String.class).returnResult();
        client.get().uri("/v1/models").exchange().expectStatus().isOk();
        // the fake upstream's revoked key (a 401) and the key that answers, each with its span and traceparent
        admin.post().uri("/admin/keys/enable").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"provider\":\"traced\",\"alias\":\"traced#1\"}").exchange().expectStatus().isOk();
        client.post().uri("/api/chat/stream").contentType(MediaType.APPLICATION_JSON).bodyValue(chatTo("traced"))
                .exchange().expectStatus().isOk().expectHeader().exists("X-Trace-Id")
                .expectBody(String.class).returnResult();
    }

    private void operatorsWork() {
        admin.get().uri("/admin/keys").exchange().expectStatus().isOk();
        admin.post().uri("/admin/health-check").exchange().expectStatus().isOk();
        admin.post().uri("/admin/providers/scan-openai/keys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"key\":\"" + ADDED_OK + "\",\"name\":\"added-ok\"}").exchange().expectStatus().isCreated();
        admin.post().uri("/admin/providers/scan-openai/keys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"key\":\"" + ADDED_INVALID + "\"}").exchange().expectStatus().isEqualTo(422);
        admin.post().uri("/admin/providers/scan-openai/keys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"key\":\"" + ADDED_OK + "\"}").exchange().expectStatus().isEqualTo(409);
        admin.post().uri("/admin/keys/disable").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"provider\":\"scan-openai\",\"alias\":\"added-ok\"}").exchange().expectStatus().isOk();
        admin.get().uri("/admin/clients").exchange().expectStatus().isOk();
        admin.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
        admin.get().uri("/actuator/metrics").exchange().expectStatus().isOk();
        admin.get().uri("/actuator/health").exchange().expectStatus().isOk();
        admin.get().uri("/api/v1/brain/tasks").exchange().expectStatus().isOk();
    }

    private void badInputQuotingSecrets(WebTestClient client, String clientKey) {
        client.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\": " + clientKey + "}").exchange().expectStatus().isBadRequest();
        client.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"messages\":[{\"role\":\"" + SecuredGateway.ADMIN_TOKEN + "\",\"content\":\"x\"}]}")
                .exchange().expectStatus().isBadRequest();
        admin.post().uri("/admin/providers/scan-openai/keys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"key\": " + ADDED_OK + "}").exchange().expectStatus().isBadRequest();
        admin.post().uri("/admin/providers/scan-openai/keys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"key\": [\"" + SecuredGateway.PROVIDER_KEYS.get(1) + "\"]}").exchange()
                .expectStatus().isBadRequest();
    }

    private void wrongCredentials(String clientKey) {
        WebTestClient plain = gateway.http(recorder);
        plain.get().uri("/admin/keys").header(HttpHeaders.AUTHORIZATION, "Bearer " + SecuredGateway.ADMIN_TOKEN + "x")
                .exchange().expectStatus().isUnauthorized();
        plain.get().uri("/admin/keys").header(HttpHeaders.AUTHORIZATION, "Bearer " + clientKey)
                .exchange().expectStatus().isForbidden();
        plain.get().uri("/v1/models").header("x-api-key", clientKey + "x").exchange().expectStatus().isUnauthorized();
        plain.get().uri("/v1/models").header("x-api-key", SecuredGateway.PROVIDER_KEYS.get(0)).exchange()
                .expectStatus().isUnauthorized();
    }

    private void reenableFailingKeys() {
        for (String provider : ECHOING) {
            admin.post().uri("/admin/keys/enable").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"provider\":\"" + provider + "\",\"alias\":\"" + provider + "#1\"}")
                    .exchange().expectStatus().isOk();
        }
    }

    /** Everything to scan, by where it came from. */
    private Map<String, String> corpus() {
        Map<String, String> corpus = new LinkedHashMap<>();
        for (ResponseRecorder.Recorded response : recorder.responses()) {
            corpus.put("response " + corpus.size() + " " + response, response.status + "\n" + response.headers
                    + "\n" + response.body());
        }
        for (String message : socketMessages) {
            corpus.put("websocket message " + corpus.size(), message);
        }
        DatabaseClient database = gateway.bean(DatabaseClient.class);
        for (String table : TABLES) {
            List<Map<String, Object>> rows = database.sql("select * from " + table).fetch().all().collectList()
                    .block(Duration.ofSeconds(10));
            for (Map<String, Object> row : rows) {
                StringBuilder text = new StringBuilder();
                row.forEach((column, value) -> text.append(column).append('=').append(text(value)).append('\n'));
                corpus.put("row " + corpus.size() + " of " + table, text.toString());
            }
        }
        corpus.put("output", OutputTee.captured());
        corpus.put("spans", gateway.collector().rawPayloads());
        return corpus;
    }

    /** Each secret, and its middle: what a masked form ({@code first7...last4}) never shows. */
    private static List<String> secrets(String clientKey) {
        List<String> whole = new ArrayList<>(SecuredGateway.PROVIDER_KEYS);
        whole.add(ADDED_OK);
        whole.add(ADDED_INVALID);
        whole.add(SecuredGateway.ADMIN_TOKEN);
        whole.add(clientKey);
        List<String> secrets = new ArrayList<>();
        for (String secret : whole) {
            secrets.add(secret);
            secrets.add(secret.substring(7, secret.length() - 4));
        }
        return secrets;
    }

    /** Where a secret (by its index in the list, never its value) was found. */
    private static List<String> leaks(Map<String, String> corpus, List<String> secrets) {
        List<String> found = new ArrayList<>();
        corpus.forEach((where, text) -> {
            for (int i = 0; i < secrets.size(); i++) {
                if (text.contains(secrets.get(i))) {
                    found.add(where + " holds secret #" + i);
                }
            }
        });
        return found;
    }

    private long headerLines() {
        return recorder.responses().stream().mapToLong(r -> r.headers.lines().count()).sum();
    }

    private static String chatTo(String provider) {
        return "{\"provider\":\"" + provider + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    }

    private static String text(Object value) {
        if (value instanceof ByteBuffer buffer) {
            return StandardCharsets.ISO_8859_1.decode(buffer.duplicate()).toString();
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        return String.valueOf(value);
    }
}
