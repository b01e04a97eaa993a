package dev.switchboard.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.TaskProperties;
import dev.switchboard.testsupport.GatewayIT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Reload: the test context reads its extra task types from {@code switchboard.tasks.templates}; these tests
 * rewrite that file, reload, and put it back afterwards.
 */
@GatewayIT
class TaskTemplatesReloadIT {

    @Autowired
    WebTestClient http;

    @Autowired
    TaskProperties properties;

    private Path file;
    private String original;

    @BeforeEach
    void keepTheOriginal() throws IOException {
        file = properties.templates();
        original = Files.readString(file, StandardCharsets.UTF_8);
    }

    @AfterEach
    void restoreTheOriginal() throws IOException {
        Files.writeString(file, original, StandardCharsets.UTF_8);
        reload().expectStatus().isOk();
    }

    private WebTestClient.ResponseSpec reload() {
        return http.post().uri("/api/v1/brain/config/reload").exchange();
    }

    private JsonNode process(String body) {
        return http.post().uri("/api/v1/brain/process").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private void write(String yaml) throws IOException {
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
    }

    @Test
    void aChangedTemplateIsUsedAfterReloadAndANewTaskTypeAppears() throws IOException {
        write(original.replace("\"{{ greeting | default('Hello') }} {{ language }}: {{ input }}\"",
                "\"Reloaded {{ input }}\"") + """
                  shout:
                    base: generic
                    user: "SHOUT {{ input | upper }}"
                """);

        JsonNode reloaded = reload().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(reloaded.path("reloaded").asBoolean()).isTrue();
        assertThat(reloaded.path("tasks").toString()).contains("\"shout\"", "\"greet\"", "\"resume_parsing\"");
        assertThat(process("{\"task_type\":\"greet\",\"input_data\":\"Ada\"}").path("response").asString())
                .startsWith("Simulated answer to “Reloaded Ada”");
        assertThat(process("{\"task_type\":\"shout\",\"input_data\":\"hey\"}").path("response").asString())
                .startsWith("Simulated answer to “SHOUT HEY”");
    }

    @Test
    void invalidTemplatesAreRejectedNamingTaskAndPartAndTheOldOnesStay() throws IOException {
        write(original + """
                  broken:
                    base: generic
                    system: "{% if input %}never closed"
                  orphan:
                    base: missing_base
                    user: "{{ input }}"
                """);

        JsonNode error = reload().expectStatus().isEqualTo(422).expectBody(JsonNode.class).returnResult()
                .getResponseBody().path("error");

        assertThat(error.path("code").asString()).isEqualTo("invalid_templates");
        assertThat(error.path("message").asString())
                .contains("the ones in force were kept")
                .contains("task 'broken', part 'system': template syntax error")
                .contains("task 'orphan', part 'base': unknown base task 'missing_base'");
        assertThat(process("{\"task_type\":\"greet\",\"input_data\":\"Ada\",\"variables\":{\"language\":\"Latin\"}}")
                .path("response").asString()).startsWith("Simulated answer to “Hello Latin: Ada”");
        http.post().uri("/api/v1/brain/process").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"task_type\":\"orphan\",\"input_data\":\"x\"}").exchange().expectStatus().isBadRequest();
    }

    @Test
    void unreadableYamlIsRejectedToo() throws IOException {
        write("tasks: [not, a, mapping");

        JsonNode error = reload().expectStatus().isEqualTo(422).expectBody(JsonNode.class).returnResult()
                .getResponseBody().path("error");

        assertThat(error.path("message").asString()).contains("templates '" + file + "': not valid YAML");
    }
}
