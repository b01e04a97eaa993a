package dev.switchboard.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.api.ApiErrorHandler;
import dev.switchboard.observability.ServerRequestTimers;
import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.usage.RequestLogWriter;
import dev.switchboard.usage.UsageLedger;
import dev.switchboard.web.FlatExceptionHandlers;
import dev.switchboard.web.FlatFilterChain;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebHandler;
import org.springframework.web.server.adapter.HttpWebHandlerAdapter;
import org.springframework.web.server.handler.ExceptionHandlingWebHandler;
import org.springframework.web.server.handler.FilteringWebHandler;
import org.springframework.web.server.handler.WebHandlerDecorator;
import tools.jackson.databind.JsonNode;

/** Status, analytics, request-log and metrics endpoints, after real traffic through the simulator. */
@GatewayIT
class StatusApiIT {

    @Autowired
    private HttpHandler httpHandler;

    @Autowired
    WebTestClient http;

    @Autowired
    RequestLogWriter requestLog;

    @Autowired
    UsageLedger ledger;

    @BeforeEach
    void traffic() {
        for (int i = 0; i < 3; i++) {
            http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"provider\":\"keyfail\",\"messages\":[{\"role\":\"user\",\"content\":\"status\"}]}")
                    .exchange().expectStatus().isOk();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            requestLog.flushAll().block(Duration.ofSeconds(5));
            ledger.flush().block(Duration.ofSeconds(5));
            return requestLog.depth() == 0 && ledger.pendingRows() == 0;
        });
    }

    private JsonNode get(String uri) {
        return http.get().uri(uri).exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult()
                .getResponseBody();
    }

    @Test
    void brainStatusShowsTotalsUsageAndHealth() {
        JsonNode status = get("/api/v1/brain/status");

        assertThat(status.path("status").asString()).isIn("healthy", "degraded");
        assertThat(status.path("uptime_seconds").asLong()).isNotNegative();
        assertThat(status.path("totals").path("requests").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(status.path("totals").path("success_rate").isNumber()).isTrue();
        assertThat(status.path("provider_usage").path("keyfail").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(status.path("alerts").findValuesAsString("name")).contains("failure_rate", "error_rate", "response_time_ms");
        assertThat(status.path("system").path("database").asString()).isEqualTo("up");
    }

    @Test
    void providersStatusShowsEachProvidersPool() {
        JsonNode keyfail = get("/api/v1/brain/providers/status").path("keyfail");

        assertThat(keyfail.path("provider").asString()).isEqualTo("keyfail");
        assertThat(keyfail.path("status").asString()).isIn("healthy", "degraded", "down");
        assertThat(keyfail.path("call_count_today").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(keyfail.path("total_keys").asInt()).isEqualTo(3);
        assertThat(keyfail.path("circuit").asString()).isEqualTo("closed");
        assertThat(keyfail.path("success_rate").asDouble()).isBetween(0.0, 100.0);
        assertThat(keyfail.has("last_error")).isTrue();
        assertThat(keyfail.path("last_error_detail").path("class").asString()).isNotBlank();
    }

    @Test
    void healthKeysShowsPoolsWithMaskedKeysAndGlobalStats() {
        JsonNode health = get("/health/keys");

        assertThat(health.path("system_info").path("max_retries").asInt()).isEqualTo(3);
        JsonNode pool = health.path("key_pools").path("providers").path("keyfail");
        assertThat(pool.path("total_keys").asInt()).isEqualTo(3);
        assertThat(pool.path("keys").findValuesAsString("alias")).contains("keyfail-ok");
        assertThat(pool.path("keys").findValuesAsString("masked_key")).allSatisfy(m -> assertThat(m).doesNotContain("sim-ok-kf3"));
        assertThat(health.path("global_stats").path("total_requests").asLong()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void analyticsBreaksAProviderDownByKeyModelAndTime() {
        JsonNode analytics = get("/analytics/keyfail?bucket=minute");

        assertThat(analytics.path("totals").path("attempts").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(analytics.path("by_key").findValuesAsString("key")).contains("keyfail-ok");
        assertThat(analytics.path("by_model").findValuesAsString("model")).contains("kf-1");
        assertThat(analytics.path("series")).isNotEmpty();
        http.get().uri("/analytics/keyfail?bucket=week").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_bucket");
    }

    @Test
    void theRequestLogCanBeListedFilteredAndReadOneByOne() {
        JsonNode page = get("/api/v1/requests?provider=keyfail&size=2");
        assertThat(page.path("total").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(page.path("items")).hasSize(2);
        String id = page.path("items").get(0).path("id").asString();

        JsonNode one = get("/api/v1/requests/" + id);
        assertThat(one.path("provider").asString()).isEqualTo("keyfail");
        assertThat(one.path("fallback_chain").isArray()).isTrue();
        assertThat(one.path("fallback_chain").findValuesAsString("key")).contains("keyfail-ok");
        assertThat(one.path("metadata").has("gateway_overhead_us")).isTrue();
        http.get().uri("/api/v1/requests/does-not-exist").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("request_not_found");
    }

    @Test
    void statsExportIsADownloadableJsonDocument() {
        http.get().uri("/api/v1/brain/stats/export?days=2").exchange().expectStatus().isOk()
                .expectHeader().value("Content-Disposition", v -> assertThat(v).startsWith("attachment; filename=\"switchboard-stats-"))
                .expectBody().jsonPath("$.status.totals.requests").exists().jsonPath("$.usage_daily").isArray();
    }

    @Test
    void prometheusShowsGatewayMetersWithKeyAliasesOnly() {
        String metrics = http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(metrics).contains("switchboard_requests_seconds_count", "switchboard_gateway_overhead_seconds",
                "switchboard_upstream_attempts_total", "switchboard_key_state{key=\"keyfail-ok\",provider=\"keyfail\"}",
                "switchboard_key_calls_today", "switchboard_requestlog_buffer_depth", "resilience4j_circuitbreaker_state",
                "reactor_netty_connection_provider_total_connections{id=");
        assertThat(metrics).doesNotContain("sim-ok-kf3", "sim-error-500-kf2");
    }

    @Test
    void httpServerRequestsAreTimedPerRouteAndStatusWithTracingOff() {
        http.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"messages\":[]}")
                .exchange().expectStatus().isBadRequest();

        JsonNode chat = get("/actuator/metrics/http.server.requests?tag=uri:/api/chat&tag=method:POST&tag=status:200");
        JsonNode refused = get("/actuator/metrics/http.server.requests?tag=uri:/v1/chat/completions&tag=status:400"
                + "&tag=outcome:CLIENT_ERROR&tag=exception:PublicError");

        assertThat(chat.path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(3);
        assertThat(refused.path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(1);
        String prometheus = http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(prometheus).contains("http_server_requests_seconds_count{exception=\"none\",method=\"POST\","
                + "outcome=\"SUCCESS\",status=\"200\",uri=\"/api/chat\"}");
    }

    @Test
    void theWebFiltersRunAsOneStepWithTheRequestTimerFirst() {
        WebHandler exceptions = ((HttpWebHandlerAdapter) httpHandler).getDelegate();
        WebHandler filtering = ((WebHandlerDecorator) exceptions).getDelegate();

        List<WebFilter> springChain = ((FilteringWebHandler) filtering).getFilters();

        // one checkpoint and one chain link per request, whatever the number of filters
        assertThat(springChain).hasSize(1).first().isInstanceOf(FlatFilterChain.class);
        List<WebFilter> filters = ((FlatFilterChain) springChain.get(0)).filters();
        assertThat(filters.get(0)).isInstanceOf(ServerRequestTimers.class);
        assertThat(filters).hasSizeGreaterThan(3);
    }

    @Test
    void theApplicationsExceptionHandlersRunAsOneStepWithTheApiErrorHandlerFirst() {
        List<WebExceptionHandler> springHandlers =
                ((ExceptionHandlingWebHandler) ((HttpWebHandlerAdapter) httpHandler).getDelegate()).getExceptionHandlers();

        // Spring's own handler first (it adds a checkpoint to a failure), then all of the application's as one:
        // two doOnError and onErrorResume pairs per request, whatever the number of handlers
        assertThat(springHandlers).hasSize(2).last().isInstanceOf(FlatExceptionHandlers.class);
        List<WebExceptionHandler> handlers = ((FlatExceptionHandlers) springHandlers.get(1)).handlers();
        assertThat(handlers.get(0)).isInstanceOf(ApiErrorHandler.class);
        assertThat(handlers).hasSizeGreaterThan(1);
    }

    @Test
    void actuatorHealthIncludesTheDatabaseAndTheProviders() {
        JsonNode health = get("/actuator/health");

        assertThat(health.path("components").path("r2dbc").path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("providers").path("status").asString()).isEqualTo("UP");
    }
}
