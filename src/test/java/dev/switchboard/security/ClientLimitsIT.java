package dev.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testsupport.SecuredGateway;
import dev.switchboard.testsupport.WsProbe;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;

/** Per-client limits on every surface: 429 with {@code Retry-After}, in the OpenAI error shape. */
class ClientLimitsIT {

    private final SecuredGateway gateway = SecuredGateway.get();
    private final WebTestClient http = gateway.http();

    @Test
    void overThePerMinuteLimitA429SaysWhenToComeBack() {
        String key = gateway.createClient("per-minute", 2, 0, 0);
        chat(key).expectStatus().isOk();
        chat(key).expectStatus().isOk();

        JsonNode error = chat(key).expectStatus().isEqualTo(429)
                .expectHeader().value(HttpHeaders.RETRY_AFTER, seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 30L))
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("error");

        assertThat(error.path("type").asString()).isEqualTo("rate_limit_error");
        assertThat(error.path("code").asString()).isEqualTo("client_rate_limited");
        assertThat(error.path("message").asString()).contains("2 requests per minute");
    }

    @Test
    void overTheDailyRequestBudgetA429LastsUntilMidnightUtc() {
        String key = gateway.createClient("daily-requests", 0, 1, 0);
        chat(key).expectStatus().isOk();

        chat(key).expectStatus().isEqualTo(429)
                .expectHeader().value(HttpHeaders.RETRY_AFTER, seconds -> assertThat(Long.parseLong(seconds)).isPositive())
                .expectBody().jsonPath("$.error.code").isEqualTo("client_daily_requests_exceeded");
    }

    @Test
    void tokensOfFinishedRequestsCountAgainstTheDailyTokenBudgetAndAreStored() {
        JsonNode created = SecuredGateway.createClientAnswer(gateway.admin(), "daily-tokens", 0, 0, 5);
        String key = created.path("key").asString();
        String id = created.path("client").path("id").asString();
        chat(key).expectStatus().isOk();

        await().atMost(Duration.ofSeconds(5)).until(() -> chat(key).returnResult(Void.class).getStatus().value() == 429);
        chat(key).expectBody().jsonPath("$.error.code").isEqualTo("client_daily_tokens_exceeded");
        assertThat(usageToday(id).path("tokens").asLong()).isGreaterThanOrEqualTo(5);
        await().atMost(Duration.ofSeconds(5)).until(() -> storedRequests(id) >= 1);
    }

    @Test
    void moreRequestsInFlightThanAllowedAreRefusedUntilOneEnds() {
        String key = gateway.createClient("concurrent", 0, 0, 0);
        WebClient client = WebClient.create(gateway.baseUrl());
        Set<Integer> committed = ConcurrentHashMap.newKeySet();
        List<Disposable> streams = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 3; i++) {
            int stream = i;
            streams.add(client.post().uri("/api/chat/stream").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"provider\":\"slow\",\"messages\":"
                            + "[{\"role\":\"user\",\"content\":\"hold on\"}]}")
                    .retrieve().bodyToFlux(String.class).subscribe(chunk -> committed.add(stream)));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> committed.size() == 3);

        chat(key).expectStatus().isEqualTo(429)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1")
                .expectBody().jsonPath("$.error.code").isEqualTo("too_many_concurrent_streams");

        streams.forEach(Disposable::dispose);
        await().atMost(Duration.ofSeconds(5)).until(() -> chat(key).returnResult(Void.class).getStatus().value() == 200);
    }

    @Test
    void aWebSocketCarriesItsClientSoEveryMessageCountsAgainstItsLimits() {
        String key = gateway.createClient("socket-limits", 1, 0, 0);

        WsProbe.Seen seen = WsProbe.talk(URI.create("ws://127.0.0.1:" + gateway.port() + "/api/chat/ws"),
                bearer(key), List.of(message("1"), message("2")),
                replies -> replies.stream().anyMatch(r -> r.contains("\"type\":\"done\""))
                        && replies.stream().anyMatch(r -> r.contains("client_rate_limited")), Duration.ofSeconds(10));

        assertThat(seen.replies()).anyMatch(r -> r.contains("\"type\":\"done\""));
        assertThat(seen.replies()).anyMatch(r -> r.contains("\"code\":\"client_rate_limited\""));
    }

    @Test
    void theTaskApiCarriesItsClientToo() {
        String key = gateway.createClient("task-limits", 1, 0, 0);
        String task = "{\"task_type\":\"chat\",\"input_data\":\"hello\"}";

        http.post().uri("/api/v1/brain/process").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(task).exchange().expectStatus().isOk();
        http.post().uri("/api/v1/brain/process").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(task).exchange()
                .expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.error.code").isEqualTo("client_rate_limited");
    }

    @Test
    void clientsAreLimitedIndependently() {
        String limited = gateway.createClient("limited", 1, 0, 0);
        String other = gateway.createClient("other", 1, 0, 0);
        chat(limited).expectStatus().isOk();
        chat(limited).expectStatus().isEqualTo(429);

        chat(other).expectStatus().isOk();
    }

    private WebTestClient.ResponseSpec chat(String key) {
        return http.post().uri("/api/chat").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(SecuredGateway.chat("count me")).exchange();
    }

    private JsonNode usageToday(String id) {
        JsonNode clients = gateway.admin().get().uri("/admin/clients").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("clients");
        for (JsonNode client : clients) {
            if (id.equals(client.path("id").asString())) {
                return client.path("usage_today");
            }
        }
        throw new AssertionError("client " + id + " not listed");
    }

    private long storedRequests(String id) {
        Map<String, Object> row = gateway.bean(DatabaseClient.class)
                .sql("select requests from client_usage_daily where client_id = :id and day = :day")
                .bind("id", id).bind("day", LocalDate.now(ZoneOffset.UTC))
                .fetch().one().block(Duration.ofSeconds(5));
        return row == null ? 0 : ((Number) row.get("requests")).longValue();
    }

    private static HttpHeaders bearer(String key) {
        HttpHeaders headers = new HttpHeaders();
        headers.setBearerAuth(key);
        return headers;
    }

    private static String message(String id) {
        return "{\"id\":\"" + id + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }
}
