package dev.switchboard.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.SecuredGateway;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Whose stored results a caller sees, on the secured gateway: a client key its own only (listing and
 * reading by id alike), the admin token everyone's.
 */
class TaskResultsAccessIT {

    private final SecuredGateway gateway = SecuredGateway.get();
    private final WebTestClient http = gateway.http();

    private static String bearer(String key) {
        return "Bearer " + key;
    }

    private String run(String key, String input) {
        return http.post().uri("/api/v1/brain/process").header(HttpHeaders.AUTHORIZATION, bearer(key))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"task_type\":\"generic\",\"input_data\":\"" + input + "\"}")
                .exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("id").asString();
    }

    private WebTestClient.ResponseSpec get(String key, String uri) {
        return http.get().uri(uri).header(HttpHeaders.AUTHORIZATION, bearer(key)).exchange();
    }

    private List<JsonNode> items(String key, String query) {
        JsonNode page = get(key, "/api/v1/brain/results" + query).expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        List<JsonNode> items = new ArrayList<>();
        page.path("items").forEach(items::add);
        return items;
    }

    private static List<String> ids(List<JsonNode> items) {
        return items.stream().map(item -> item.path("id").asString()).toList();
    }

    private static String clientId(String key) {
        return key.split("-")[1]; // sb-<id>-<secret>
    }

    @Test
    void aClientListsAndReadsOnlyItsOwnResultsAndTheAdminTokenSeesEveryone() {
        String from = Instant.now().minusMillis(1).truncatedTo(ChronoUnit.MILLIS).toString();
        String ada = gateway.createClient("results-ada", 0, 0, 0);
        String bob = gateway.createClient("results-bob", 0, 0, 0);
        String adasResult = run(ada, "Ada asks");
        String bobsResult = run(bob, "Bob asks");

        List<JsonNode> adasList = items(ada, "?from=" + from);
        assertThat(ids(adasList)).containsExactly(adasResult);
        assertThat(adasList.get(0).path("client").asString()).isEqualTo(clientId(ada));
        assertThat(ids(items(bob, "?from=" + from))).containsExactly(bobsResult);

        get(ada, "/api/v1/brain/results/" + adasResult).expectStatus().isOk()
                .expectBody().jsonPath("$.input_data").isEqualTo("Ada asks");
        // another client's result is not found, as if it did not exist
        get(ada, "/api/v1/brain/results/" + bobsResult).expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("result_not_found");

        String admin = SecuredGateway.ADMIN_TOKEN;
        assertThat(ids(items(admin, "?from=" + from))).contains(adasResult, bobsResult);
        assertThat(ids(items(admin, "?from=" + from + "&client=" + clientId(bob)))).containsExactly(bobsResult);
        get(admin, "/api/v1/brain/results/" + bobsResult).expectStatus().isOk()
                .expectBody().jsonPath("$.input_data").isEqualTo("Bob asks");
    }

    @Test
    void aClientCannotAskForAnotherClientsResults() {
        String eve = gateway.createClient("results-eve", 0, 0, 0);

        get(eve, "/api/v1/brain/results?client=0123456789abcdef").expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("admin_only");
        // naming itself is allowed
        get(eve, "/api/v1/brain/results?client=" + clientId(eve)).expectStatus().isOk();
    }

    @Test
    void withoutAKeyTheResultsAreClosed() {
        http.get().uri("/api/v1/brain/results").exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("missing_api_key");
    }
}
