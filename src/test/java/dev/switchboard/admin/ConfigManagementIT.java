package dev.switchboard.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.keys.KeyMaintenance;
import dev.switchboard.status.AlertMonitor;
import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.testsupport.SeedShape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Configuration as the seeds manage it: validation of the files on disk or a posted document
 * ({@code {valid, issues[]}}, seed 000's {@code validate_configuration}), dry runs, and reloads that apply the
 * runtime settings (seed 002's {@code update_configuration}) or, when anything is broken, change nothing. The
 * shared test context imports {@code target/test-classes/it-config.yml}; these tests rewrite it and put it back.
 */
@GatewayIT
class ConfigManagementIT {

    private static final Path FILE = Path.of("target/test-classes/it-config.yml");
    private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    @Autowired
    WebTestClient http;

    @Autowired
    KeyMaintenance maintenance;

    @Autowired
    AlertMonitor alerts;

    private String original;

    @BeforeEach
    void keepTheOriginal() throws IOException {
        original = Files.readString(FILE, StandardCharsets.UTF_8);
    }

    @AfterEach
    void restoreTheOriginal() throws IOException {
        Files.writeString(FILE, original, StandardCharsets.UTF_8);
        http.post().uri("/admin/config/reload").exchange().expectStatus().isOk();
    }

    private void write(String yaml) throws IOException {
        Files.writeString(FILE, yaml, StandardCharsets.UTF_8);
    }

    private JsonNode post(String uri, String body) {
        WebTestClient.RequestBodySpec spec = http.post().uri(uri).contentType(MediaType.TEXT_PLAIN);
        return (body == null ? spec : spec.bodyValue(body)).exchange().expectStatus().isOk().expectBody(JsonNode.class)
                .returnResult().getResponseBody();
    }

    private JsonNode chat(String body) {
        return http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private static List<String> paths(JsonNode validation) {
        return validation.path("issues").findValuesAsString("path");
    }

    @Test
    void theFilesOnDiskValidate() {
        JsonNode validation = post("/admin/config/validate", null);

        SeedShape.of("000_validate.json").assertConforms(validation);
        assertThat(validation.path("valid").asBoolean()).isTrue();
        assertThat(validation.path("issues").findValuesAsString("severity")).doesNotContain("error");
        assertThat(validation.path("files").toString()).contains("it-config.yml");
    }

    @Test
    void aPostedDocumentIsAnsweredWithAPathAndAMessagePerIssueAndChangesNothing() {
        JsonNode validation = post("/admin/config/validate", """
                switchboard:
                  resilience:
                    max-retries: 0
                  providers:
                    newcomer:
                      type: openai
                      base-url: ftp://example.org
                      models:
                        - name: m-1
                          daily-limit: -5
                """);

        SeedShape.of("000_validate.json").assertConforms(validation);
        assertThat(validation.path("valid").asBoolean()).isFalse();
        assertThat(paths(validation)).contains("switchboard.resilience.max-retries",
                "switchboard.providers.newcomer.base-url", "switchboard.providers.newcomer.default-model",
                "switchboard.providers.newcomer.models[0].daily-limit");
        assertThat(validation.path("issues").findValuesAsString("message")).contains("missing", "not an http(s) URL");
        http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"provider\":\"newcomer\"," + HI + "}").exchange().expectStatus().isBadRequest();
        assertThat(post("/admin/config/validate", null).path("valid").asBoolean()).isTrue();
    }

    @Test
    void aModelNameOrKeyAliasLongerThanTheColumnsThatStoreThemIsAnIssue() {
        JsonNode validation = post("/admin/config/validate", """
                switchboard:
                  providers:
                    longnames:
                      type: simulator
                      default-model: %s
                      models:
                        - name: %s
                      api-keys:
                        - key: sim-ok-longnames-1
                          name: %s
                """.formatted("d".repeat(201), "m".repeat(201), "a".repeat(129)));

        assertThat(validation.path("valid").asBoolean()).isFalse();
        assertThat(paths(validation)).contains("switchboard.providers.longnames.default-model",
                "switchboard.providers.longnames.models[0].name", "switchboard.providers.longnames.api-keys[0].name");
        assertThat(validation.path("issues").findValuesAsString("message")).contains("at most 200 characters",
                "at most 128 characters");
        JsonNode fitting = post("/admin/config/validate", """
                switchboard:
                  providers:
                    longnames:
                      type: simulator
                      default-model: %s
                      api-keys:
                        - key: sim-ok-longnames-1
                          name: %s
                """.formatted("d".repeat(200), "a".repeat(128)));
        assertThat(paths(fitting)).doesNotContain("switchboard.providers.longnames.default-model",
                "switchboard.providers.longnames.api-keys[0].name");
    }

    @Test
    void aWrongTypeABrokenTemplateAndBrokenYamlAreIssuesToo() {
        JsonNode typed = post("/admin/config/validate", "switchboard:\n  providers:\n    alpha:\n      priority: first\n");
        assertThat(typed.path("valid").asBoolean()).isFalse();
        assertThat(paths(typed)).contains("switchboard.providers.alpha.priority");

        JsonNode templates = post("/admin/config/validate", "tasks:\n  broken:\n    base: generic\n    user: \"{% if x %}\"\n");
        assertThat(templates.path("valid").asBoolean()).isFalse();
        assertThat(paths(templates)).contains("tasks.broken.user");

        JsonNode yaml = post("/admin/config/validate", "switchboard:\n  providers:\n    x: [sk-or-v1-0123456789abcdef0123\n");
        assertThat(yaml.path("valid").asBoolean()).isFalse();
        assertThat(yaml.path("issues").get(0).path("message").asString()).startsWith("not valid YAML");
        assertThat(yaml.toString()).doesNotContain("sk-or-v1-0123456789abcdef0123");
    }

    @Test
    void aDryRunValidatesTheFilesOnDiskAndABrokenFileChangesNothing() throws IOException {
        write(original.replace("default-model: rm-1", "default-model: rm-2") + """
                    broken:
                      type: simulator
                      api-keys:
                        - key: sim-ok-broken-1
                """);

        JsonNode dryRun = post("/admin/config/reload?dry_run", null);
        assertThat(dryRun.path("success").asBoolean()).isFalse();
        assertThat(dryRun.path("dry_run").asBoolean()).isTrue();
        assertThat(paths(dryRun)).contains("switchboard.providers.broken.default-model");
        http.post().uri("/api/v1/brain/config/reload").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_configuration")
                .jsonPath("$.error.message").value(m -> assertThat((String) m)
                        .contains("switchboard.providers.broken.default-model"));

        assertThat(chat("{\"provider\":\"reloadme\"," + HI + "}").path("model").asString()).isEqualTo("rm-1");
        http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"provider\":\"broken\"," + HI + "}").exchange().expectStatus().isBadRequest();
    }

    @Test
    void theBrainReloadAnswersSeed001sShapeAndReloadsProvidersAndKeys() throws IOException {
        write(original.replace("default-model: rm-1", "default-model: rm-2")
                .replace("        - key: sim-ok-reloadme-1", "        - key: sim-ok-reloadme-1\n        - key: sim-ok-reloadme-2"));

        JsonNode reloaded = post("/api/v1/brain/config/reload", null);

        SeedShape.of("001_config_reload.json").assertConforms(reloaded);
        assertThat(reloaded.path("success").asBoolean()).isTrue();
        assertThat(reloaded.path("keys_by_provider").path("reloadme").asInt()).isEqualTo(2);
        assertThat(reloaded.path("tasks").toString()).contains("\"routed\"");
        assertThat(chat("{\"provider\":\"reloadme\"," + HI + "}").path("model").asString()).isEqualTo("rm-2");
    }

    @Test
    void aReloadAppliesMaxRetriesTheHealthCheckIntervalTheAlertThresholdsAndTheProviderOrder() throws IOException {
        assertThat(chat("{\"provider\":\"allfail\"," + HI + "}").path("error").path("attempts")).hasSize(2);
        write(original + """
                  resilience:
                    max-retries: 1
                  keys:
                    health-check-interval: 7m
                  usage:
                    alerts:
                      failure-rate: 0.25
                  routing:
                    provider-order: priority
                """);

        JsonNode reloaded = post("/admin/config/reload", null);

        assertThat(reloaded.path("settings").path("max_retries").asInt()).isEqualTo(1);
        assertThat(reloaded.path("settings").path("provider_order").asString()).isEqualTo("priority");
        JsonNode systemInfo = http.get().uri("/health/keys").exchange().expectBody(JsonNode.class).returnResult()
                .getResponseBody().path("system_info");
        assertThat(systemInfo.path("max_retries").asInt()).isEqualTo(1);
        assertThat(systemInfo.path("health_check_interval_minutes").asInt()).isEqualTo(7);
        assertThat(maintenance.healthCheckInterval()).isEqualTo(Duration.ofMinutes(7));
        assertThat(alerts.thresholds().failureRate()).isEqualTo(0.25);
        assertThat(chat("{\"provider\":\"allfail\"," + HI + "}").path("error").path("attempts")).hasSize(1);
        for (int i = 0; i < 3; i++) {
            assertThat(chat("{" + HI + "}").path("provider").asString()).isEqualTo("alpha");
        }
    }

    @Test
    void seedStyleUnderscoredSettingsAreRead() {
        JsonNode validation = post("/admin/config/validate", """
                switchboard:
                  providers:
                    underscored:
                      type: simulator
                      default_model: u-1
                      models:
                        - name: u-1
                          max_tokens: -1
                      api_keys:
                        - key: sim-ok-underscored-1
                """);

        assertThat(paths(validation)).containsExactly("switchboard.providers.underscored.models[0].max-tokens");
    }

    @Test
    void aDisabledModelIsOutOfRouting() {
        http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"reloadme/rm-off\"," + HI + "}").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("model_disabled");
        String models = http.get().uri("/v1/models").exchange().expectBody(String.class).returnResult().getResponseBody();
        assertThat(models).contains("reloadme/rm-1").doesNotContain("rm-off");
    }
}
