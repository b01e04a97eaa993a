package dev.switchboard.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.testsupport.SeedShape;
import dev.switchboard.usage.RequestLogWriter;
import dev.switchboard.usage.UsageLedger;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The status documents in the seed systems' shapes, compared field by field with fixtures written from the
 * seed documents ({@code src/test/resources/seeds/}), and in the seeds' units: percent and seconds.
 */
@GatewayIT
class SeedContractsIT {

    @Autowired
    WebTestClient http;

    @Autowired
    RequestLogWriter requestLog;

    @Autowired
    UsageLedger ledger;

    @BeforeEach
    void traffic() {
        for (int i = 0; i < 2; i++) {
            chat("{\"messages\":[{\"role\":\"user\",\"content\":\"seed\"}]}");
            chat("{\"provider\":\"beta\",\"messages\":[{\"role\":\"user\",\"content\":\"seed\"}]}");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            requestLog.flushAll().block(Duration.ofSeconds(5));
            ledger.flush().block(Duration.ofSeconds(5));
            return requestLog.depth() == 0 && ledger.pendingRows() == 0;
        });
    }

    private void chat(String body) {
        http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isOk();
    }

    private JsonNode get(String uri) {
        return http.get().uri(uri).exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult()
                .getResponseBody();
    }

    @Test
    void brainStatusHasSeed001sBrainStatsProviderStatusAndSystemHealth() {
        JsonNode status = get("/api/v1/brain/status");

        SeedShape.of("001_brain_status.json").assertConforms(status);
        JsonNode stats = status.path("brain_stats");
        assertThat(stats.path("total_requests").asLong()).isGreaterThanOrEqualTo(4);
        assertThat(stats.path("success_rate").asDouble())
                .isCloseTo(100.0 * stats.path("successful_requests").asLong() / stats.path("total_requests").asLong(),
                        within(0.01))
                .isGreaterThan(1.0);
        assertThat(stats.path("avg_response_time").asDouble())
                .isCloseTo(stats.path("avg_response_time_ms").asLong() / 1000.0, within(0.0011));
        assertThat(stats.path("provider_usage").path("beta").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(status.path("provider_status").has("alpha")).isTrue();
        assertThat(status.path("system_health").path("status").asString()).isIn("healthy", "degraded", "unhealthy");
    }

    @Test
    void providersStatusIsSeed001sMapKeyedByProviderName() {
        JsonNode providers = get("/api/v1/brain/providers/status");

        SeedShape.of("001_providers_status.json").assertConforms(providers);
        JsonNode beta = providers.path("beta");
        assertThat(beta.path("call_count_today").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(beta.path("remaining_calls").asLong()).isEqualTo(1000 - beta.path("call_count_today").asLong());
        assertThat(beta.path("success_rate").asDouble())
                .isCloseTo(100.0 * beta.path("successes_today").asLong() / beta.path("attempts_today").asLong(),
                        within(0.01))
                .isGreaterThan(1.0);
        assertThat(beta.path("avg_response_time").asDouble())
                .isCloseTo(beta.path("avg_response_time_ms").asLong() / 1000.0, within(0.0011));
        assertThat(beta.path("last_success").asString()).isNotBlank();
        assertThat(providers.path("disabled").path("status").asString()).isEqualTo("down");
    }

    @Test
    void healthKeysIsSeed002sDashboardDocumentWithItsStatusWords() {
        JsonNode health = get("/health/keys");

        SeedShape.of("002_health_keys.json").assertConforms(health);
        assertThat(health.path("system_info").path("max_retries").asInt()).isEqualTo(3);
        assertThat(health.path("system_info").path("health_check_interval_minutes").asLong()).isEqualTo(10);
        assertThat(health.path("system_info").path("initialized_providers").toString()).contains("\"alpha\"");
        JsonNode checked = health.path("key_pools").path("providers").path("checked");
        assertThat(checked.path("total_keys").asInt()).isEqualTo(2);
        assertThat(checked.path("removed_keys").asInt()).isEqualTo(1);
        assertThat(checked.path("status_breakdown").path("invalid_key").asInt()).isEqualTo(1);
        assertThat(checked.path("keys").findValuesAsString("status")).containsExactlyInAnyOrder("invalid_key", "healthy");
        for (JsonNode key : health.path("key_pools").path("providers").path("beta").path("keys")) {
            long calls = key.path("success_count").asLong() + key.path("error_count").asLong();
            assertThat(key.path("success_rate").asDouble())
                    .isCloseTo(calls == 0 ? 0 : 100.0 * key.path("success_count").asLong() / calls, within(0.01));
            assertThat(key.path("response_time").asDouble())
                    .isCloseTo(key.path("avg_response_time_ms").asLong() / 1000.0, within(0.0011));
            assertThat(key.path("masked_key").asString()).doesNotContain("sim-ok-beta-1");
        }
        assertThat(health.path("global_stats").path("total_requests").asLong()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void analyticsHasSeed002sSummaryWithTheHealthPercentageOfTheKeys() {
        JsonNode analytics = get("/analytics/checked");

        SeedShape.of("002_analytics.json").assertConforms(analytics);
        assertThat(analytics.path("summary").path("health_percentage").asDouble()).isEqualTo(50.0);
        assertThat(get("/analytics/beta").path("summary").path("health_percentage").asDouble()).isEqualTo(100.0);
        assertThat(get("/analytics/beta").path("totals").path("attempts").asLong()).isGreaterThanOrEqualTo(2);
    }
}
