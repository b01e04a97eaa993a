package dev.switchboard.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.Surface;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.ChatService;
import dev.switchboard.testsupport.ExtraGateway;
import dev.switchboard.testsupport.OutputTee;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Keys added or removed at runtime with a master key: stored encrypted in PostgreSQL, on every instance within
 * a second (two gateways on one database), still there after a restart, and never in plain text in any table,
 * answer or log line.
 */
class StoredKeysIT {

    private static final String ADDED = "sim-ok-stored-added-7f3a9c";
    private static final String ADDED_THEN_REMOVED = "sim-ok-stored-removed-41d2e8";

    @BeforeAll
    static void captureTheLog() {
        OutputTee.install();
    }

    private static ConfigurableApplicationContext start() {
        return ExtraGateway.start("stored-keys");
    }

    private static WebTestClient http(ConfigurableApplicationContext context) {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + context.getEnvironment()
                .getProperty("local.server.port")).responseTimeout(Duration.ofSeconds(20)).build();
    }

    private static List<String> aliases(ConfigurableApplicationContext context) {
        return context.getBean(ProviderRegistry.class).get("stored").orElseThrow().keys().keys().stream()
                .map(ApiKey::alias).toList();
    }

    private static JsonNode post(ConfigurableApplicationContext context, String uri, String body) {
        return http(context).post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private static void within(Duration time, Runnable assertion) {
        await().atMost(time).pollInterval(Duration.ofMillis(50)).untilAsserted(assertion::run);
    }

    @Test
    void keysAddedAndRemovedAtRuntimeReachEveryInstanceSurviveARestartAndAreNeverStoredInPlainText() {
        List<String> answers = new ArrayList<>();
        ConfigurableApplicationContext first = start();
        ConfigurableApplicationContext second = start();
        ConfigurableApplicationContext third = null;
        try {
            JsonNode added = post(first, "/admin/providers/stored/keys", "{\"keys\":[{\"key\":\"" + ADDED
                    + "\",\"name\":\"stored-added\"},{\"key\":\"" + ADDED_THEN_REMOVED + "\",\"name\":\"stored-gone\"}]}");
            answers.add(added.toString());
            assertThat(added.path("healthy_keys_added").asInt()).isEqualTo(2);
            assertThat(added.path("persisted").asBoolean()).isTrue();
            assertThat(added.path("storage").asString()).isEqualTo("postgresql (AES-256-GCM)");
            within(Duration.ofSeconds(2), () -> assertThat(aliases(second)).contains("stored-added", "stored-gone"));

            JsonNode removed = post(second, "/admin/providers/stored/keys/remove",
                    "{\"aliases\":[\"stored-gone\",\"stored-1\"]}");
            answers.add(removed.toString());
            assertThat(removed.path("keys_removed").asInt()).isEqualTo(2);
            assertThat(removed.path("persisted").asBoolean()).isTrue();
            within(Duration.ofSeconds(2), () -> assertThat(aliases(first)).containsExactlyInAnyOrder("stored-2",
                    "stored-added"));

            first.close();
            third = start();
            assertThat(aliases(third)).containsExactlyInAnyOrder("stored-2", "stored-added");
            assertThat(answeredBy(third)).contains("stored-added");

            assertThat(tablesHolding(third.getBean(DatabaseClient.class), ADDED, ADDED_THEN_REMOVED)).isEmpty();
            assertThat(storedCiphertexts(third.getBean(DatabaseClient.class))).isEqualTo(1);
            answers.add(http(third).get().uri("/admin/keys").exchange().expectBody(String.class).returnResult()
                    .getResponseBody());
            answers.add(http(third).get().uri("/health/keys").exchange().expectBody(String.class).returnResult()
                    .getResponseBody());
            assertThat(answers).noneMatch(text -> text.contains(ADDED) || text.contains(ADDED_THEN_REMOVED));
            assertThat(OutputTee.captured()).doesNotContain(ADDED).doesNotContain(ADDED_THEN_REMOVED);
        } finally {
            if (third != null) {
                third.close();
            }
            second.close();
            if (first.isActive()) {
                first.close();
            }
        }
    }

    /** The keys that answered a few chats on this instance (round-robin over two keys: both appear). */
    private static Set<String> answeredBy(ConfigurableApplicationContext context) {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            ChatResult result = context.getBean(ChatService.class).complete(ChatCommand.builder("s-" + i + "-"
                    + System.nanoTime(), Surface.SYNC, List.of(new ChatMessage("user", "hi"))).provider("stored").build())
                    .block(Duration.ofSeconds(10));
            keys.add(result.route().key());
        }
        return keys;
    }

    /** Every table of the database, every row, every text and binary value: the tables where a secret shows. */
    private static List<String> tablesHolding(DatabaseClient database, String... secrets) {
        List<String> tables = database.sql("select table_name from information_schema.tables where table_schema = 'public'")
                .map((row, meta) -> row.get("table_name", String.class)).all().collectList().block(Duration.ofSeconds(5));
        List<String> found = new ArrayList<>();
        for (String table : tables) {
            List<Map<String, Object>> rows = database.sql("select * from \"" + table + "\"").fetch().all().collectList()
                    .block(Duration.ofSeconds(10));
            for (Map<String, Object> row : rows) {
                for (Object value : row.values()) {
                    String text = value instanceof ByteBuffer buffer ? StandardCharsets.ISO_8859_1.decode(buffer.duplicate()).toString()
                            : value instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1) : String.valueOf(value);
                    for (String secret : secrets) {
                        if (text.contains(secret)) {
                            found.add(table);
                        }
                    }
                }
            }
        }
        return found;
    }

    private static long storedCiphertexts(DatabaseClient database) {
        Long n = database.sql("select count(*) as n from provider_key where provider = 'stored' and action = 'added' "
                        + "and algorithm = 'AES-256-GCM' and ciphertext is not null")
                .map((row, meta) -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5));
        return n == null ? 0 : n;
    }
}
