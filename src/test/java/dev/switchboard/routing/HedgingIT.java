package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.testsupport.Sse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hedging and the latency figures from outside: the {@code hedged} provider's first key answers after a
 * second, its second at once; the test profile hedges only requests that ask ({@code "hedge": true}) after
 * 300 ms.
 */
@GatewayIT
class HedgingIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    WebTestClient http;

    private JsonNode streamDone(String hedge) {
        String body = http.post().uri("/api/chat/stream").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"provider\":\"hedged\"," + hedge + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        List<Sse.Frame> frames = Sse.parse(body);
        Sse.Frame done = frames.get(frames.size() - 1);
        assertThat(done.event()).isEqualTo("done");
        return JSON.readTree(done.data());
    }

    private static List<String> outcomes(JsonNode done) {
        List<String> outcomes = new ArrayList<>();
        done.path("attempts").forEach(a -> outcomes.add(a.path("key").asString() + "=" + a.path("outcome").asString()));
        return outcomes;
    }

    @Test
    void aHedgedStreamIsAnsweredByTheFastKeyAndTheSlowCallIsListedAsHedgedOut() {
        List<List<String>> seen = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            JsonNode done = streamDone("\"hedge\":true,");
            assertThat(done.path("key").asString()).as("whichever key came first, the fast one answers")
                    .isEqualTo("hd-fast");
            seen.add(outcomes(done));
        }
        // round-robin: one of the two requests started with the slow key
        assertThat(seen).contains(List.of("hd-slow=hedged_out", "hd-fast=ok"), List.of("hd-fast=ok"));
    }

    @Test
    void hedgeFalseWaitsForTheSlowKey() {
        List<List<String>> seen = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            seen.add(outcomes(streamDone("\"hedge\":false,")));
        }
        assertThat(seen).contains(List.of("hd-slow=ok"), List.of("hd-fast=ok"));
    }

    @Test
    void aHedgeThatIsNotABooleanIsAClear400() {
        http.post().uri("/api/chat/stream").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"provider\":\"hedged\",\"hedge\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").value(message -> assertThat((String) message).contains("hedge"));
    }

    @Test
    void adminKeysAndTheMetricsShowTheRunningFigures() {
        streamDone("\"hedge\":false,");
        streamDone("\"hedge\":false,");
        JsonNode pools = http.get().uri("/admin/keys").exchange().expectStatus().isOk().expectBody(JsonNode.class)
                .returnResult().getResponseBody();
        JsonNode hedged = null;
        for (JsonNode pool : pools.path("providers")) {
            if (pool.path("provider").asString().equals("hedged")) {
                hedged = pool;
            }
        }
        assertThat(hedged).isNotNull();
        assertThat(hedged.path("latency").path("calls").asLong()).isGreaterThanOrEqualTo(2);
        JsonNode slow = hedged.path("key_latency").path("hd-slow");
        JsonNode fast = hedged.path("key_latency").path("hd-fast");
        assertThat(slow.path("first_content_ms").asDouble()).isGreaterThan(fast.path("first_content_ms").asDouble());
        assertThat(slow.path("in_flight").asInt()).isZero();
        assertThat(slow.has("error_rate")).isTrue();

        String metrics = http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(metrics).contains("switchboard_key_first_content_milliseconds{key=\"hd-slow\",provider=\"hedged\"}",
                "switchboard_provider_inflight{provider=\"hedged\"}", "switchboard_hedge_started_total");
    }
}
