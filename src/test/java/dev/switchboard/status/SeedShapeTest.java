package dev.switchboard.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.SeedShape;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The field-by-field comparison the seed contract tests rely on finds what differs. */
class SeedShapeTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void eachSeedExampleConformsToItsOwnShape() {
        // not 001_providers_status.json: its first entry adds the fields of the seed's ProviderHealth model,
        // which the seed's own example leaves out for the other providers
        for (String fixture : new String[] {"001_brain_status.json", "002_health_keys.json",
                "002_analytics.json", "001_config_reload.json", "000_validate.json", "002_add_keys.json"}) {
            SeedShape shape = SeedShape.of(fixture);
            assertThat(shape.differences(shape.fixture())).as(fixture).isEmpty();
        }
    }

    @Test
    void aMissingFieldAWrongTypeAndAnEmptyProviderMapAreReportedWithTheirPaths() {
        SeedShape shape = SeedShape.of("002_health_keys.json");
        ObjectNode answer = (ObjectNode) shape.fixture().deepCopy();
        ((ObjectNode) answer.path("global_stats")).remove("keys_removed");
        ((ObjectNode) answer.path("key_pools").path("providers").path("openai").path("keys").get(0))
                .put("success_rate", "95.5");
        ((ObjectNode) answer.path("system_info")).put("firebase_available", 1);

        assertThat(shape.differences(answer)).containsExactlyInAnyOrder(
                "/global_stats/keys_removed: missing",
                "/key_pools/providers/openai/keys/0/success_rate: expected a NUMBER like 95.5, got \"95.5\"",
                "/system_info/firebase_available: expected a BOOLEAN like true, got 1");

        ((ObjectNode) answer.path("key_pools")).set("providers", json.createObjectNode());
        assertThat(shape.differences(answer)).contains("/key_pools/providers: expected entries keyed by provider name, got none");
    }

    @Test
    void everyEntryOfAMapKeyedByProviderNameIsCompared() {
        SeedShape shape = SeedShape.of("001_providers_status.json");
        JsonNode answer = json.readTree("{\"alpha\":{\"status\":\"healthy\",\"call_count_today\":1,\"remaining_calls\":9,"
                + "\"active_keys\":1,\"total_keys\":1,\"success_rate\":100.0,\"avg_response_time\":0.2,\"last_error\":null,"
                + "\"last_success\":\"2026-01-01T00:00:00Z\"},\"beta\":{\"status\":\"healthy\"}}");

        assertThat(shape.differences(answer)).contains("/beta/call_count_today: missing", "/beta/last_error: missing")
                .noneMatch(problem -> problem.startsWith("/alpha"));
    }
}
