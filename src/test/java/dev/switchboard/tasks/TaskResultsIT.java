package dev.switchboard.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.TaskProperties;
import dev.switchboard.config.TaskResultProperties;
import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/v1/brain/results}: the caller's stored results, newest first, as summaries; filters and
 * pages; expiry after the retention. (Who sees whose results is {@code TaskResultsAccessIT}, on the secured
 * gateway; here every caller is the demo's anonymous client.)
 */
@GatewayIT
class TaskResultsIT {

    private static final Duration RETENTION = Duration.ofDays(30);

    @Autowired
    WebTestClient http;

    @Autowired
    DatabaseClient database;

    @Autowired
    JsonMapper json;

    @Autowired
    TaskProperties taskProperties;

    private String run(String taskType, String input) {
        return http.post().uri("/api/v1/brain/process").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"task_type\":\"" + taskType + "\",\"input_data\":\"" + input + "\"}")
                .exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("id").asString();
    }

    private JsonNode list(String query) {
        return http.get().uri("/api/v1/brain/results" + query).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private JsonNode listError(String query, int status) {
        return http.get().uri("/api/v1/brain/results" + query).exchange()
                .expectStatus().isEqualTo(status).expectBody(JsonNode.class).returnResult().getResponseBody().path("error");
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("items").forEach(item -> ids.add(item.path("id").asString()));
        return ids;
    }

    /** Now, to the millisecond below, as a {@code from} that includes what is created from here on. */
    private static String since() {
        return Instant.now().minusMillis(1).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    @Test
    void listsTheCallersResultsNewestFirstAsSummaries() {
        String from = since();
        String first = run("generic", "First input");
        String second = run("chat", "Second input");
        String third = run("generic", "Third input");

        JsonNode page = list("?from=" + from);

        assertThat(ids(page)).containsExactly(third, second, first);
        assertThat(page.path("total").asLong()).isEqualTo(3);
        assertThat(page.path("page").asInt()).isZero();
        assertThat(page.path("size").asInt()).isEqualTo(50);
        JsonNode newest = page.path("items").get(0);
        assertThat(newest.path("task_type").asString()).isEqualTo("generic");
        assertThat(newest.path("success").asBoolean()).isTrue();
        assertThat(newest.path("input_type").asString()).isEqualTo("text");
        assertThat(newest.path("input_preview").asString()).isEqualTo("Third input");
        assertThat(newest.path("provider").asString()).isIn("alpha", "beta");
        assertThat(newest.path("usage").path("completion_tokens").asInt()).isEqualTo(6);
        assertThat(newest.path("client").asString()).isEqualTo("anonymous");
        Instant created = Instant.parse(newest.path("created_at").asString());
        assertThat(Instant.parse(newest.path("expires_at").asString())).isEqualTo(created.plus(RETENTION));
        // a summary: the answer and the fallback chain are read by id
        assertThat(newest.has("response")).isFalse();
        assertThat(newest.has("fallback_chain")).isFalse();
        JsonNode full = http.get().uri("/api/v1/brain/results/" + third).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(full.path("response").asString()).startsWith("Simulated answer to “Third input”");
        assertThat(full.has("clientId")).isFalse();
        assertThat(full.has("client_id")).isFalse();
    }

    @Test
    void filtersByTaskTypeAndTimeAndPagesThroughTheRest() {
        String from = since();
        String chat = run("chat", "Only chat");
        String older = run("generic", "Older");
        String newer = run("generic", "Newer");
        String to = Instant.now().plusSeconds(60).toString();

        assertThat(ids(list("?task_type=chat&from=" + from))).containsExactly(chat);
        assertThat(ids(list("?task_type=generic&from=" + from + "&to=" + to + "&size=1"))).containsExactly(newer);
        JsonNode second = list("?task_type=generic&from=" + from + "&size=1&page=1");
        assertThat(ids(second)).containsExactly(older);
        assertThat(second.path("total").asLong()).isEqualTo(2);
        assertThat(ids(list("?task_type=generic&from=" + from + "&size=1&page=2"))).isEmpty();
        assertThat(ids(list("?from=" + Instant.now().plusSeconds(3600)))).isEmpty();
    }

    @Test
    void badQueriesAre400sNamingTheParameter() {
        assertThat(listError("?page=-1", 400).path("code").asString()).isEqualTo("invalid_page");
        assertThat(listError("?size=101", 400).path("code").asString()).isEqualTo("invalid_size");
        assertThat(listError("?from=yesterday", 400).path("code").asString()).isEqualTo("invalid_time");
        assertThat(listError("?from=2026-01-02&to=2026-01-01", 400).path("code").asString()).isEqualTo("invalid_range");
        assertThat(listError("?tasktype=chat", 400).path("message").asString()).contains("tasktype", "task_type");
    }

    @Test
    void aResultExpiresAfterTheRetentionAndTheSweepDeletesIt() {
        // a store and a sweep on a clock the test moves: it starts 45 days back, so the sweep deletes only
        // what this test wrote (everything else in the shared database is younger than the cutoff)
        MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofDays(45)).truncatedTo(ChronoUnit.MILLIS));
        TaskResultProperties retention = new TaskResultProperties(RETENTION, Duration.ofHours(1));
        TaskResultStore store = new TaskResultStore(database, json, taskProperties, clock, retention);
        TaskResultRetention sweep = new TaskResultRetention(store::deleteCreatedBefore, clock, retention);
        TaskRecord record = record(TaskRun.nextId(), clock.instant(), "client-expiry");
        store.save(record).block(Duration.ofSeconds(5));
        TaskResultStore.ResultQuery mine = new TaskResultStore.ResultQuery("client-expiry", null, null, null, 0, 50);

        clock.advance(RETENTION.minusMinutes(1));
        assertThat(store.find(record.id(), "client-expiry").blockOptional(Duration.ofSeconds(5))).isPresent();
        assertThat(store.list(mine).block(Duration.ofSeconds(5))).containsEntry("total", 1L);

        clock.advance(Duration.ofMinutes(2));
        assertThat(store.find(record.id(), "client-expiry").blockOptional(Duration.ofSeconds(5))).isEmpty();
        assertThat(store.find(record.id(), null).blockOptional(Duration.ofSeconds(5))).isEmpty();
        assertThat(store.list(mine).block(Duration.ofSeconds(5))).containsEntry("total", 0L);
        assertThat(rowExists(record.id())).isTrue();

        assertThat(sweep.sweep().block(Duration.ofSeconds(5))).isEqualTo(1L);
        assertThat(rowExists(record.id())).isFalse();
    }

    private boolean rowExists(String id) {
        return Boolean.TRUE.equals(database.sql("select count(*) as n from task_result where id = :id").bind("id", id)
                .map(row -> row.get("n", Long.class) > 0).one().block(Duration.ofSeconds(5)));
    }

    private static TaskRecord record(String id, Instant createdAt, String client) {
        return new TaskRecord(id, true, "generic", TaskJob.TEXT, "Stored long ago", "alpha", "alpha-1", "An answer",
                null, TaskUsage.NONE, 0.1, null, Map.of("request_id", "req-expiry"), List.of(), 1, createdAt, client);
    }
}
