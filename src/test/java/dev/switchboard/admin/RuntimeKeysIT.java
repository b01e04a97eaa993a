package dev.switchboard.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.Surface;
import dev.switchboard.routing.ChatService;
import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.testsupport.SeedShape;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Keys added and removed at runtime in a gateway without a master key (the shared test context): each key of
 * a list checked and answered (seed 002's {@code add_new_keys}), kept in this instance's memory only, and the
 * answer says so. {@code keys.StoredKeysIT} covers the stored, shared kind.
 */
@GatewayIT
class RuntimeKeysIT {

    @Autowired
    WebTestClient http;

    @Autowired
    DatabaseClient database;

    @Autowired
    ChatService chats;

    private JsonNode post(String uri, String body) {
        return http.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private List<String> aliases() {
        JsonNode pools = http.get().uri("/admin/keys").exchange().expectBody(JsonNode.class).returnResult()
                .getResponseBody();
        for (JsonNode pool : pools.path("providers")) {
            if (pool.path("provider").asString().equals("runtime")) {
                return pool.path("keys").findValuesAsString("alias");
            }
        }
        throw new AssertionError("no provider runtime");
    }

    private long storedRows() {
        Long n = database.sql("select count(*) as n from provider_key where provider = 'runtime'")
                .map((row, meta) -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5));
        return n == null ? 0 : n;
    }

    @Test
    void aListOfKeysIsCheckedAndAnsweredKeyByKeyAndKeptInMemoryOnly() {
        JsonNode answer = post("/admin/providers/runtime/keys", """
                {"keys": ["sim-ok-runtime-0002", {"key": "sim-invalid-runtime-0003", "name": "rt-bad"},
                          "sim-ok-runtime-0001", "   ", {"key": "sim-ok-runtime-0004", "name": "rt-four", "priority": 1}]}
                """);

        SeedShape.of("002_add_keys.json").assertConforms(answer);
        assertThat(answer.path("healthy_keys_added").asInt()).isEqualTo(2);
        assertThat(answer.path("keys_rejected").asInt()).isEqualTo(3);
        JsonNode results = answer.path("results");
        assertThat(results.get(0).path("added").asBoolean()).isTrue();
        assertThat(results.get(1).path("error").path("code").asString()).isEqualTo("key_rejected");
        assertThat(results.get(2).path("error").path("code").asString()).isEqualTo("duplicate_key");
        assertThat(results.get(3).path("error").path("code").asString()).isEqualTo("key_required");
        assertThat(results.get(4).path("alias").asString()).isEqualTo("rt-four");
        assertThat(answer.path("persisted").asBoolean()).isFalse();
        assertThat(answer.path("storage").asString()).isEqualTo("memory");
        assertThat(answer.path("note").asString()).contains("SWITCHBOARD_MASTER_KEY is not set");
        assertThat(answer.toString()).doesNotContain("sim-ok-runtime-0002", "sim-invalid-runtime-0003",
                "sim-ok-runtime-0004");
        assertThat(aliases()).contains(results.get(0).path("alias").asString(), "rt-four").doesNotContain("rt-bad");
        assertThat(storedRows()).isZero();
    }

    @Test
    void anAliasLongerThanTheColumnsThatStoreItIsRefusedAndItsKeyNotAdded() {
        http.post().uri("/admin/providers/runtime/keys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"key\":\"sim-ok-runtime-0030\",\"name\":\"" + "a".repeat(129) + "\"}").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("alias_too_long")
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("129", "128"));

        assertThat(aliases()).doesNotContain("a".repeat(129));
        assertThat(aliases().stream().filter(a -> a.startsWith("aaaa"))).isEmpty();
    }

    @Test
    void keysAddedAtRuntimeOutliveAConfigurationReload() {
        JsonNode added = http.post().uri("/admin/providers/runtime/keys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"key\":\"sim-ok-runtime-0010\",\"name\":\"rt-ten\"}").exchange()
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(added.path("persisted").asBoolean()).isFalse();

        http.post().uri("/admin/config/reload").exchange().expectStatus().isOk();

        assertThat(aliases()).contains("rt-ten");
    }

    @Test
    void keysAreRemovedOneByOneAndEachIsAnswered() {
        post("/admin/providers/runtime/keys", "{\"keys\":[{\"key\":\"sim-ok-runtime-0020\",\"name\":\"rt-20\"},"
                + "{\"key\":\"sim-ok-runtime-0021\",\"name\":\"rt-21\"}]}");

        JsonNode removed = post("/admin/providers/runtime/keys/remove", "{\"aliases\":[\"rt-20\",\"rt-nope\"]}");

        assertThat(removed.path("keys_removed").asInt()).isEqualTo(1);
        assertThat(removed.path("results").get(0).path("removed").asBoolean()).isTrue();
        assertThat(removed.path("results").get(1).path("error").path("code").asString()).isEqualTo("key_not_found");
        assertThat(removed.path("persisted").asBoolean()).isFalse();
        http.delete().uri("/admin/providers/runtime/keys/rt-21").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.removed").isEqualTo(true);
        http.delete().uri("/admin/providers/runtime/keys/rt-21").exchange().expectStatus().isNotFound();
        assertThat(aliases()).doesNotContain("rt-20", "rt-21");
        http.post().uri("/admin/config/reload").exchange().expectStatus().isOk();
        assertThat(aliases()).doesNotContain("rt-20", "rt-21");
    }

    @Test
    void aKeyAddedAtRuntimeAnswersChatsUntilItIsRemoved() {
        http.post().uri("/admin/providers/runtime/keys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"key\":\"sim-ok-runtime-0050\",\"name\":\"rt-used\"}").exchange()
                .expectStatus().isCreated();

        assertThat(keysAnswering()).contains("rt-used");

        http.delete().uri("/admin/providers/runtime/keys/rt-used").exchange().expectStatus().isOk();

        assertThat(keysAnswering()).isNotEmpty().doesNotContain("rt-used");
    }

    /** The keys that answer chats on provider runtime, two rounds over its pool (it rotates). */
    private Set<String> keysAnswering() {
        Set<String> keys = new HashSet<>();
        int rounds = 2 * aliases().size();
        for (int i = 0; i < rounds; i++) {
            ChatResult result = chats.complete(ChatCommand.builder("rt-" + i + "-" + System.nanoTime(), Surface.SYNC,
                    List.of(new ChatMessage("user", "hi"))).provider("runtime").build()).block(Duration.ofSeconds(10));
            keys.add(result.route().key());
        }
        return keys;
    }

    @Test
    void aMalformedListIsABadRequestNamingTheEntry() {
        http.post().uri("/admin/providers/runtime/keys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"keys\":[\"sim-ok-runtime-0030\", 42]}").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").value(m -> assertThat((String) m).contains("keys[1]"));
        http.post().uri("/admin/providers/runtime/keys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"keys\":[]}").exchange().expectStatus().isBadRequest();
        assertThat(aliases()).hasSizeGreaterThanOrEqualTo(1);
    }

    @Test
    void badInputToKeyChangesIsAClientErrorInOpenAiShape() {
        expectError(http.post().uri("/admin/providers/nobody/keys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"key\":\"sim-ok-runtime-0040\"}").exchange(), 404, "provider_not_found");
        expectError(http.post().uri("/admin/providers/runtime/keys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"keys\": [").exchange(), 400, null);
        expectError(http.post().uri("/admin/providers/runtime/keys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}").exchange(), 400, "key_required");
        expectError(http.post().uri("/admin/providers/runtime/keys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"keys\":[{\"key\":\"sim-ok-runtime-0041\",\"priority\":-1}]}").exchange(), 400,
                "invalid_type");
        expectError(http.post().uri("/admin/providers/runtime/keys/remove").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"aliases\":[7]}").exchange(), 400, "invalid_alias");
        expectError(http.post().uri("/admin/providers/runtime/keys/remove").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}").exchange(), 400, "aliases_required");
        expectError(http.delete().uri("/admin/providers/runtime/keys/rt-never").exchange(), 404, "key_not_found");
    }

    private static void expectError(WebTestClient.ResponseSpec response, int status, String code) {
        JsonNode body = response.expectStatus().isEqualTo(status).expectBody(JsonNode.class).returnResult()
                .getResponseBody();
        JsonNode error = body.path("error");
        assertThat(error.path("message").asString()).isNotBlank();
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        if (code != null) {
            assertThat(error.path("code").asString()).isEqualTo(code);
        }
    }
}
