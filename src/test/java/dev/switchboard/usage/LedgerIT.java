package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.database.EmbeddedPostgresServer;
import dev.switchboard.keys.DailyLimits;
import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.web.RequestIds;
import io.r2dbc.postgresql.codec.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

/** The ledger loses nothing: not while PostgreSQL is away, not when a client leaves mid-stream. */
@GatewayIT
class LedgerIT {

    /** Writes rows' chains as the gateway does (the writer is not used). */
    private static final RequestLogRecorder DOCUMENTS = new RequestLogRecorder(null, JsonMapper.builder().build());

    @Autowired
    WebTestClient http;

    @Autowired
    DatabaseClient database;

    @Autowired
    RequestLogWriter requestLog;

    @Autowired
    UsageLedger ledger;

    @Autowired
    DailyLimits limits;

    @Autowired
    UsageMaintenance maintenance;

    @LocalServerPort
    int port;

    private String chat(String body) {
        return http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isOk().returnResult(String.class).getResponseHeaders().getFirst(RequestIds.HEADER);
    }

    private String stream(String body) {
        return http.post().uri("/api/chat/stream").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isOk().returnResult(String.class).getResponseHeaders().getFirst(RequestIds.HEADER);
    }

    private long loggedRows(List<String> ids) {
        return database.sql("select count(*) as n from request_log where id = any(:ids)")
                .bind("ids", ids.toArray(new String[0]))
                .map((row, meta) -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5));
    }

    private Map<String, Object> row(String id) {
        return await().atMost(Duration.ofSeconds(5)).until(() -> {
            requestLog.flushAll().block(Duration.ofSeconds(5));
            return database.sql("select * from request_log where id = :id").bind("id", id).fetch().one()
                    .block(Duration.ofSeconds(5));
        }, Objects::nonNull);
    }

    @Test
    void whilePostgresIsDownRequestsAreServedAndEveryOneIsWrittenWhenItIsBack() throws Exception {
        long droppedBefore = requestLog.dropped();
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"ledger\"}]}";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(chat(body));
        }
        int dbPort = EmbeddedPostgresServer.port();
        assertThat(dbPort).isPositive();

        EmbeddedPostgresServer.stopForTest();
        try {
            for (int i = 0; i < 10; i++) {
                ids.add(i % 2 == 0 ? chat(body) : stream(body));
            }
            await().atMost(Duration.ofSeconds(3)).until(() -> requestLog.depth() > 0);
            // a flush that is trying the stopped database holds its rows apart until it fails, so the counts
            // are seen pending between two attempts, not at any moment
            await().atMost(Duration.ofSeconds(3)).until(() -> ledger.pendingRows() > 0);
        } finally {
            EmbeddedPostgresServer.restart(Path.of("target/test-postgres"), dbPort);
        }

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(loggedRows(ids)).isEqualTo(ids.size()));
        assertThat(requestLog.dropped()).isEqualTo(droppedBefore);
        await().atMost(Duration.ofSeconds(10)).until(() -> ledger.pendingRows() == 0);
    }

    @Test
    void aClientThatLeavesMidStreamIsBilledForWhatItGot() {
        // a client that will not resume (a resumable stream would read on for the grace period)
        Flux<String> lines = WebClient.create("http://127.0.0.1:" + port).post().uri("/api/chat/stream")
                .header("x-switchboard-resumable", "false")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"provider\":\"slow\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchangeToFlux(response -> Flux.concat(
                        Flux.just(response.headers().asHttpHeaders().getFirst(RequestIds.HEADER)),
                        response.bodyToFlux(String.class)));
        String[] id = new String[1];
        StepVerifier.create(lines.doOnNext(line -> {
                    if (id[0] == null) {
                        id[0] = line;
                    }
                }).filter(line -> line.contains("delta")))
                .expectNextCount(2)
                .thenCancel()
                .verify(Duration.ofSeconds(10));

        Map<String, Object> row = row(id[0]);
        assertThat(row.get("outcome")).isEqualTo("cancelled");
        assertThat((Integer) row.get("completion_tokens")).isPositive();
        assertThat(row.get("usage_estimated")).isEqualTo(true);
    }

    /** Today's sums of a provider's and model's attempts row: requests, successes, failures, prompt and completion tokens. */
    private List<Long> attemptSums(String provider, String model) {
        return database.sql("select coalesce(sum(requests), 0) as r, coalesce(sum(successes), 0) as s, "
                        + "coalesce(sum(failed_server_error + failed_network + failed_timeout), 0) as f, "
                        + "coalesce(sum(prompt_tokens), 0) as p, coalesce(sum(completion_tokens), 0) as c "
                        + "from usage_daily where day = :day and provider = :provider and model = :model")
                .bind("day", LocalDate.now(ZoneOffset.UTC)).bind("provider", provider).bind("model", model)
                .map((row, meta) -> List.of(row.get("r", Long.class), row.get("s", Long.class), row.get("f", Long.class),
                        row.get("p", Long.class), row.get("c", Long.class)))
                .one().block(Duration.ofSeconds(5));
    }

    /** Today's successful requests of a surface in the request totals. */
    private long surfaceSuccesses(String surface) {
        return database.sql("select coalesce(sum(requests), 0) as n from requests_daily where day = :day "
                        + "and surface = :surface and outcome = 'success'")
                .bind("day", LocalDate.now(ZoneOffset.UTC)).bind("surface", surface)
                .map((row, meta) -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5));
    }

    @Test
    void rowsOfBothTablesWrittenTogetherEachAddTheirAmountsToTheirOwnColumns() {
        ledger.flush().block(Duration.ofSeconds(5));
        List<Long> betaBefore = attemptSums("beta", "beta-1");
        List<Long> alphaBefore = attemptSums("alpha", "alpha-2");
        long syncBefore = surfaceSuccesses("sync");
        long sseBefore = surfaceSuccesses("sse");

        chat("{\"provider\":\"beta\",\"messages\":[{\"role\":\"user\",\"content\":\"one\"}]}");
        chat("{\"provider\":\"beta\",\"messages\":[{\"role\":\"user\",\"content\":\"two\"}]}");
        stream("{\"provider\":\"beta\",\"messages\":[{\"role\":\"user\",\"content\":\"three\"}]}");
        chat("{\"provider\":\"alpha\",\"model\":\"alpha-2\",\"messages\":[{\"role\":\"user\",\"content\":\"four\"}]}");
        // the requests end (and are counted) after their answers went out: flushed and read until all are in
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            ledger.flush().block(Duration.ofSeconds(5));
            List<Long> beta = attemptSums("beta", "beta-1");
            List<Long> alpha = attemptSums("alpha", "alpha-2");
            assertThat(beta.subList(0, 3)).containsExactly(betaBefore.get(0) + 3, betaBefore.get(1) + 3, betaBefore.get(2));
            assertThat(alpha.subList(0, 3)).containsExactly(alphaBefore.get(0) + 1, alphaBefore.get(1) + 1,
                    alphaBefore.get(2));
            assertThat(beta.get(3)).as("prompt tokens").isGreaterThan(betaBefore.get(3));
            assertThat(beta.get(4)).as("completion tokens").isGreaterThan(betaBefore.get(4));
            assertThat(alpha.get(4)).as("completion tokens").isGreaterThan(alphaBefore.get(4));
            assertThat(surfaceSuccesses("sync")).isEqualTo(syncBefore + 3);
            assertThat(surfaceSuccesses("sse")).isEqualTo(sseBefore + 1);
        });
    }

    /** Today's stored calls of one daily counter. */
    private long storedCalls(String scope, String provider, String name) {
        return database.sql("select coalesce(sum(calls), 0) as n from daily_counters where day = :day and scope = :scope "
                        + "and provider = :provider and name = :name")
                .bind("day", LocalDate.now(ZoneOffset.UTC)).bind("scope", scope).bind("provider", provider)
                .bind("name", name)
                .map((row, meta) -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5));
    }

    private void sql(String statement) {
        database.sql(statement).then().block(Duration.ofSeconds(5));
    }

    @Test
    void aLedgerRowTheDatabaseRefusesStaysPendingAloneWhileTheRowsBesideItAreWritten() {
        String model = "ledger-refused-" + System.nanoTime();
        ledger.flush().block(Duration.ofSeconds(5));
        List<Long> betaBefore = attemptSums("beta", "beta-1");
        // the table refuses this model's row for its content, as it would a name longer than its column
        sql("alter table usage_daily add constraint ledger_it_refused check (model <> '" + model + "') not valid");
        try {
            chat("{\"provider\":\"beta\",\"messages\":[{\"role\":\"user\",\"content\":\"kept\"}]}");
            chat("{\"provider\":\"beta\",\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"refused\"}]}");
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                ledger.flush().block(Duration.ofSeconds(5));
                assertThat(attemptSums("beta", "beta-1").get(0)).isEqualTo(betaBefore.get(0) + 1);
            });
            ledger.flush().block(Duration.ofSeconds(5));
            assertThat(attemptSums("beta", model).get(0)).isZero();
            // kept for the next flush (seen between two flushes: one that is writing holds it apart)
            await().atMost(Duration.ofSeconds(5)).until(() -> ledger.pendingRows() > 0);
        } finally {
            sql("alter table usage_daily drop constraint ledger_it_refused");
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            ledger.flush().block(Duration.ofSeconds(5));
            assertThat(attemptSums("beta", model).get(0)).isEqualTo(1);
            assertThat(ledger.pendingRows()).isZero();
        });
    }

    @Test
    void aDailyCounterTheDatabaseRefusesStaysPendingAloneWhileTheOthersAreWritten() {
        String model = "counter-refused-" + System.nanoTime();
        // the calls of the tests before this one written first (the key store writes once a second)
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() ->
                storedCalls("provider", "beta", "") == limits.used(DailyLimits.Scope.PROVIDER, "beta", ""));
        long providerBefore = storedCalls("provider", "beta", "");
        sql("alter table daily_counters add constraint ledger_it_refused check (name <> '" + model + "') not valid");
        try {
            chat("{\"provider\":\"beta\",\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"refused\"}]}");
            // the key store writes every second: the provider's and the key's counters land, the model's does not
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(storedCalls("provider", "beta", "")).isEqualTo(providerBefore + 1));
            assertThat(storedCalls("model", "beta", model)).isZero();
        } finally {
            sql("alter table daily_counters drop constraint ledger_it_refused");
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(storedCalls("model", "beta", model)).isEqualTo(1));
    }

    @Test
    void aStreamThatBreaksMidWayIsLoggedAsFailedWithTheTokensDelivered() {
        String id = stream("{\"provider\":\"midfail\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        Map<String, Object> row = row(id);
        assertThat(row.get("outcome")).isEqualTo("failed");
        assertThat(row.get("error_class")).isEqualTo("server_error");
        assertThat((Integer) row.get("completion_tokens")).isPositive();
    }

    @Test
    void rowsOlderThanTheRetentionAreDeleted() {
        database.sql("insert into request_log (id, created_at, surface, path, outcome, latency_ms, attempts) values "
                        + "('old-row', :old, 'sync', 'default', 'success', 1, 1), ('recent-row', :recent, 'sync', 'default', "
                        + "'success', 1, 1)")
                .bind("old", Instant.now().minus(Duration.ofDays(45)))
                .bind("recent", Instant.now().minus(Duration.ofDays(2)))
                .fetch().rowsUpdated().block(Duration.ofSeconds(5));

        Long deleted = maintenance.applyRetention().block(Duration.ofSeconds(5));

        assertThat(deleted).isGreaterThanOrEqualTo(1);
        assertThat(database.sql("select id from request_log where id in ('old-row', 'recent-row')")
                .map((r, m) -> r.get("id", String.class)).all().collectList().block(Duration.ofSeconds(5)))
                .containsExactly("recent-row");
    }

    /** A failed row whose chain the recorder writes (so a NUL in {@code model} is made storable there). */
    private static RequestLogRow logRow(String id, String model, String errorMessage, String metadata) {
        byte[] chain = DOCUMENTS.chain(List.of(new Attempt("sim-alpha", "sim-alpha#1", model, false,
                ErrorClass.SERVER_ERROR, 500, errorMessage, 5)));
        return new RequestLogRow(id, Instant.now(), "test", "sync", "model", "sim-alpha", model, "sim-alpha#1",
                "failed", "server_error", errorMessage, 5, null, 1, null, null, null, true, null,
                chain, null, metadata.getBytes(StandardCharsets.UTF_8), null);
    }

    @Test
    void textWithNulCharactersFromClientsOrUpstreamsIsStoredWithReplacementCharacters() {
        String id = "nul-row-" + System.nanoTime();

        requestLog.enqueue(logRow(id, "bad\u0000model", "upstream said \u0000", "{}"));

        Map<String, Object> row = row(id);
        assertThat(row.get("model")).isEqualTo("bad\uFFFDmodel");
        assertThat(row.get("error_message")).isEqualTo("upstream said \uFFFD");
        assertThat(JsonMapper.builder().build().readTree(((Json) row.get("fallback_chain")).asString())
                .get(0).path("model").asString()).isEqualTo("bad\uFFFDmodel");
    }

    @Test
    void theDocumentsAreStoredAsTheGatewayWroteThem() {
        String id = "as-written-" + System.nanoTime();

        requestLog.enqueue(logRow(id, "m", "e", "{\"requested_model\":\"m\",\"max_tokens\":16,\"temperature\":0.50}"));

        row(id);
        assertThat(database.sql("select metadata::text as m from request_log where id = :id").bind("id", id)
                .map((r, m) -> r.get("m", String.class)).one().block(Duration.ofSeconds(5)))
                .as("json keeps the text as written, the keys in their order")
                .isEqualTo("{\"requested_model\":\"m\",\"max_tokens\":16,\"temperature\":0.50}");
    }

    @Test
    void aRowTheDatabaseRefusesIsDroppedAndCountedWithoutHoldingBackTheRowsAroundIt() {
        assertRefusedAloneBetweenTwoGoodRows(id -> logRow(id, "m", "e", "{not json"));
    }

    /** Sends {@code refused}'s row between two good ones: it alone is dropped and counted, they are stored. */
    private void assertRefusedAloneBetweenTwoGoodRows(Function<String, RequestLogRow> refused) {
        long droppedBefore = requestLog.dropped();
        String first = "around-1-" + System.nanoTime();
        String refusedId = "refused-" + System.nanoTime();
        String last = "around-2-" + System.nanoTime();

        requestLog.enqueue(logRow(first, "m", "e", "{}"));
        requestLog.enqueue(refused.apply(refusedId));
        requestLog.enqueue(logRow(last, "m", "e", "{}"));
        requestLog.flushAll().block(Duration.ofSeconds(10));

        assertThat(loggedRows(List.of(first, refusedId, last))).isEqualTo(2);
        assertThat(loggedRows(List.of(refusedId))).isZero();
        assertThat(requestLog.dropped()).isEqualTo(droppedBefore + 1);
    }

    /** A successful row made at {@code at}. */
    private static RequestLogRow rowAt(String id, Instant at) {
        return new RequestLogRow(id, at, "test", "sync", "model", "sim-alpha", "m", "sim-alpha#1", "success", null,
                null, 5, null, 1, null, null, null, false, null, null, null, null, null);
    }

    /** {@code n} rows with fresh ids on {@code writer}'s queue; answers their ids. */
    private static List<String> enqueued(RequestLogWriter writer, String prefix, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = prefix + "-" + i + "-" + System.nanoTime();
            ids.add(id);
            writer.enqueue(logRow(id, "m", "e", "{}"));
        }
        return ids;
    }

    @Test
    void aTickWritesEveryFullBatchWaitingNotJustOne() {
        RequestLogWriter writer = new RequestLogWriter(database, 1_000, 10, Duration.ofMillis(200), 2);
        List<String> ids = enqueued(writer, "tick", 25);

        writer.drain().block(Duration.ofSeconds(10));

        assertThat(writer.written()).isEqualTo(20);
        assertThat(writer.depth()).isEqualTo(5);
        assertThat(loggedRows(ids)).isEqualTo(20);
        writer.flushAll().block(Duration.ofSeconds(10));
        assertThat(loggedRows(ids)).isEqualTo(25);
    }

    @Test
    void theShutdownFlushWritesEveryBatchOnceAndLeavesNothingQueued() {
        RequestLogWriter writer = new RequestLogWriter(database, 1_000, 10, Duration.ofMillis(200), 2);
        List<String> ids = enqueued(writer, "shutdown", 35);

        writer.flushAll().block(Duration.ofSeconds(10));

        assertThat(writer.written()).isEqualTo(35);
        assertThat(writer.depth()).isZero();
        assertThat(loggedRows(ids)).isEqualTo(35);
    }

    @Test
    void tabsNewlinesAndBackslashesInABatchAreStoredAsSent() {
        String id = "escapes-" + System.nanoTime();
        String message = "line one\nline\ttwo \\N and a back\\slash\r\n";
        requestLog.enqueue(logRow(id, "m", message, "{\"note\":\"a\\tb\\\\c\"}"));

        Map<String, Object> row = row(id);

        assertThat(row.get("error_message")).isEqualTo(message);
        assertThat(String.valueOf(row.get("metadata"))).contains("a\\tb\\\\c");
    }

    @Test
    void textBeyondAsciiAndTheTimeToTheMicrosecondAreStoredAsSent() {
        String id = "utf8-" + System.nanoTime();
        String message = "naïve café, 日本語, 😀 and a tab\there";
        Instant at = Instant.parse("2026-12-05T21:40:07.123456Z");
        requestLog.enqueue(new RequestLogRow(id, at, "test", "sync", "model", "sim-alpha", "modèle", "sim-alpha#1",
                "failed", "server_error", message, 5, null, 1, null, null, null, true, null,
                "[]".getBytes(StandardCharsets.UTF_8), "réponse 😀", "{\"note\":\"ünïcode 😀\"}".getBytes(StandardCharsets.UTF_8),
                null));

        Map<String, Object> row = row(id);

        assertThat(row.get("error_message")).isEqualTo(message);
        assertThat(row.get("model")).isEqualTo("modèle");
        assertThat(row.get("response_text")).isEqualTo("réponse 😀");
        assertThat(String.valueOf(row.get("metadata"))).contains("ünïcode 😀");
        assertThat(database.sql("select extract(epoch from created_at)::numeric(20,6)::text as t from request_log where id = :id")
                .bind("id", id).map((r, m) -> r.get("t", String.class)).one().block(Duration.ofSeconds(5)))
                .isEqualTo(at.getEpochSecond() + ".123456");
    }

    @Test
    void aTimeBetweenTwoMicrosecondsIsStoredAsPostgresReadsTheSameTimeWrittenOut() {
        for (String time : List.of("2026-12-05T21:40:07.123456500Z", "2026-12-05T21:40:07.123457500Z",
                "2026-12-05T21:40:07.123456501Z", "1999-12-31T23:59:59.999999700Z", "1969-07-20T20:17:40Z")) {
            String id = "time-" + System.nanoTime();
            requestLog.enqueue(rowAt(id, Instant.parse(time)));
            row(id);

            assertThat(database.sql("select created_at = cast(:time as timestamptz) as same from request_log where id = :id")
                    .bind("time", time).bind("id", id).map((r, m) -> r.get("same", Boolean.class)).one()
                    .block(Duration.ofSeconds(5))).as(time).isTrue();
        }
    }

    @Test
    void aTimeBeyondWhatPostgresHoldsFailsItsRowAloneAndIsNotStoredAsInfinity() {
        assertRefusedAloneBetweenTwoGoodRows(id -> rowAt(id, Instant.parse("+300000-01-01T00:00:00Z")));

        assertThat(requestLog.depth()).isZero();
    }

    @Test
    void aBatchHoldingARowAlreadyWrittenIsWrittenRowByRowWithoutDuplicates() {
        long droppedBefore = requestLog.dropped();
        String earlier = "again-" + System.nanoTime();
        String fresh = "fresh-" + System.nanoTime();
        requestLog.enqueue(logRow(earlier, "m", "e", "{}"));
        requestLog.flushAll().block(Duration.ofSeconds(10));

        // a retried batch that had landed: COPY refuses the duplicate id, the rows then go one by one
        requestLog.enqueue(logRow(earlier, "m", "e", "{}"));
        requestLog.enqueue(logRow(fresh, "m", "e", "{}"));
        requestLog.flushAll().block(Duration.ofSeconds(10));

        assertThat(loggedRows(List.of(earlier))).isEqualTo(1);
        assertThat(loggedRows(List.of(fresh))).isEqualTo(1);
        assertThat(requestLog.dropped()).isEqualTo(droppedBefore);
        assertThat(requestLog.depth()).isZero();
    }
}
