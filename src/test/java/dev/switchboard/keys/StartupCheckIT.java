package dev.switchboard.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimulatorServer;
import dev.switchboard.testsupport.GatewayIT;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/** Keys are checked before they join the pool: an invalid key never serves a request. */
@GatewayIT
class StartupCheckIT {

    @Autowired
    WebTestClient http;

    @Autowired
    SimulatorServer simulator;

    @Test
    void aKeyRejectedAtStartupIsOutBeforeTheFirstRequest() {
        for (int i = 0; i < 4; i++) {
            http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"provider\":\"checked\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.key").isEqualTo("checked-ok");
        }

        assertThat(simulator.stats().calls("sim-invalid-checked-0001")).isZero();
        JsonNode pools = http.get().uri("/admin/keys").exchange().expectBody(JsonNode.class).returnResult().getResponseBody();
        JsonNode checked = null;
        for (JsonNode pool : pools.path("providers")) {
            if (pool.path("provider").asString().equals("checked")) {
                checked = pool;
            }
        }
        assertThat(checked).isNotNull();
        assertThat(checked.path("keys").get(0).path("status").asString()).isEqualTo("invalid");
        assertThat(checked.path("usable_keys").asInt()).isEqualTo(1);
    }
}
