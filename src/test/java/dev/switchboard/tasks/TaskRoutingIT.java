package dev.switchboard.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.GatewayIT;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Seed 000's per-task routing: {@code default_provider} with {@code default_model} first, then
 * {@code fallback_providers} in that order and no others, in the task's {@code provider_order}; shown by
 * {@code GET /api/v1/brain/tasks}. The test task types are in {@code tasks/it-templates.yml}.
 */
@GatewayIT
class TaskRoutingIT {

    @Autowired
    WebTestClient http;

    private JsonNode process(String body) {
        return http.post().uri("/api/v1/brain/process").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    @Test
    void theDefaultProviderAndModelAnswerEveryRequestOfTheTask() {
        for (int i = 0; i < 3; i++) {
            JsonNode record = process("{\"task_type\":\"routed\",\"input_data\":\"hello\"}");

            assertThat(record.path("success").asBoolean()).isTrue();
            assertThat(record.path("provider").asString()).isEqualTo("beta");
            assertThat(record.path("model").asString()).isEqualTo("beta-routed");
        }
    }

    @Test
    void aFailingDefaultProviderFallsBackToTheListedProvidersOnlyInTheTasksOrder() {
        JsonNode record = process("{\"task_type\":\"routed_fallback\",\"input_data\":\"hello\"}");

        assertThat(record.path("success").asBoolean()).isTrue();
        assertThat(record.path("provider").asString()).isEqualTo("beta");
        assertThat(record.path("fallback_chain").findValuesAsString("provider"))
                .containsExactly("allfail", "allfail", "beta");
    }

    @Test
    void aRequestsOwnPreferredProviderAndModelStillWin() {
        assertThat(process("{\"task_type\":\"routed\",\"input_data\":\"hi\",\"preferred_provider\":\"alpha\"}")
                .path("provider").asString()).isEqualTo("alpha");
        JsonNode named = process("{\"task_type\":\"routed\",\"input_data\":\"hi\",\"model\":\"alpha/alpha-2\"}");
        assertThat(named.path("provider").asString()).isEqualTo("alpha");
        assertThat(named.path("model").asString()).isEqualTo("alpha-2");
    }

    @Test
    void theTaskListShowsTheRouting() {
        JsonNode tasks = http.get().uri("/api/v1/brain/tasks").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("tasks");
        JsonNode routed = null;
        JsonNode fallback = null;
        for (JsonNode task : tasks) {
            routed = task.path("name").asString().equals("routed") ? task : routed;
            fallback = task.path("name").asString().equals("routed_fallback") ? task : fallback;
        }

        assertThat(routed.path("default_provider").asString()).isEqualTo("beta");
        assertThat(routed.path("default_model").asString()).isEqualTo("beta-routed");
        assertThat(routed.path("fallback_providers").toString()).isEqualTo("[\"alpha\"]");
        assertThat(routed.path("provider_order").isNull()).isTrue();
        assertThat(fallback.path("provider_order").asString()).isEqualTo("priority");
    }
}
