package dev.switchboard.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testsupport.FakeUpstream;
import dev.switchboard.testsupport.OtlpReceiver;
import dev.switchboard.testsupport.OtlpReceiver.ExportedSpan;
import dev.switchboard.testsupport.SecuredGateway;
import dev.switchboard.testsupport.WsProbe;
import dev.switchboard.usage.RequestLogWriter;
import java.net.URI;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Traces, as an OpenTelemetry collector receives them over OTLP: the gateway continues the caller's trace,
 * each request has a server span and each upstream attempt a client span under it, with the GenAI
 * attributes, the attempt's own trace context goes to the upstream as {@code traceparent}, and the trace id
 * comes back next to the request id and lands in the request log. The secured gateway runs with tracing on
 * (its collector is {@link OtlpReceiver}); the shared test context runs with it off.
 */
class TracingIT {

    private static final Duration EXPORTED = Duration.ofSeconds(10);

    private final SecuredGateway gateway = SecuredGateway.get();
    private final OtlpReceiver collector = gateway.collector();
    private String clientKey;

    @BeforeEach
    void aClientAndTheRevokedKeyBackInTheRotation() {
        clientKey = gateway.createClient("tracing-" + System.nanoTime(), 0, 0, 0);
        gateway.admin().post().uri("/admin/keys/enable").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"provider\":\"traced\",\"alias\":\"traced#1\"}").exchange().expectStatus().isOk();
    }

    @Test
    void aFallbackStreamIsOneTraceContinuedFromTheCallersTraceparent() {
        String traceId = hex(16);
        String callerSpan = hex(8);
        EntityExchangeResult<String> result = gateway.http().post().uri("/api/chat/stream")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + clientKey)
                .header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"provider\":\"traced\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult();
        String requestId = result.getResponseHeaders().getFirst("X-Request-Id");

        assertThat(result.getResponseBody()).contains("event: done");
        assertThat(result.getResponseHeaders().getFirst("X-Trace-Id")).isEqualTo(traceId);
        List<ExportedSpan> spans = awaitSpans(traceId, 3);
        ExportedSpan server = only(spans, ExportedSpan.SERVER);
        assertThat(server.parentSpanId()).as("the caller's span is the server span's parent").isEqualTo(callerSpan);
        assertThat(server.text("switchboard.request.id")).isEqualTo(requestId);
        assertThat(server.service()).isEqualTo("switchboard");
        List<ExportedSpan> attempts = attemptsOf(spans);
        assertThat(attempts).hasSize(2).allSatisfy(attempt -> {
            assertThat(attempt.parentSpanId()).isEqualTo(server.spanId());
            assertThat(attempt.name()).isEqualTo("chat tr-1");
            assertThat(attempt.attribute("gen_ai.operation.name")).isEqualTo("chat");
            assertThat(attempt.attribute("gen_ai.provider.name")).isEqualTo("traced");
            assertThat(attempt.attribute("gen_ai.request.model")).isEqualTo("tr-1");
            assertThat(attempt.attribute("server.address")).isEqualTo("127.0.0.1");
        });

        ExportedSpan revoked = attempts.get(0);
        assertThat(revoked.attributes()).containsEntry("switchboard.key.alias", "traced#1")
                .containsEntry("switchboard.attempt.number", 1L)
                .containsEntry("switchboard.attempt.outcome", "failed")
                .containsEntry("error.type", "invalid_key")
                .containsEntry("http.response.status_code", 401L)
                .doesNotContainKey("switchboard.time_to_first_content_ms");
        assertThat(revoked.statusCode()).isEqualTo(ExportedSpan.ERROR);
        ExportedSpan answered = attempts.get(1);
        assertThat(answered.attributes()).containsEntry("switchboard.key.alias", "traced#2")
                .containsEntry("switchboard.attempt.number", 2L)
                .containsEntry("switchboard.attempt.outcome", "success")
                .containsEntry("gen_ai.usage.input_tokens", 8L)
                .containsEntry("gen_ai.usage.output_tokens", 2L)
                .containsEntry("switchboard.usage.estimated", false)
                .containsEntry("gen_ai.response.finish_reasons", List.of("stop"))
                .containsKey("switchboard.time_to_first_content_ms")
                .doesNotContainKey("error.type");
        assertThat(answered.events()).contains("first content");
        assertThat(answered.statusCode()).isNotEqualTo(ExportedSpan.ERROR);

        FakeUpstream upstream = gateway.tracedUpstream();
        assertThat(lastCall(upstream, SecuredGateway.TRACED_REVOKED_KEY).header("traceparent"))
                .as("each attempt carries its own span as the upstream's parent")
                .isEqualTo("00-" + traceId + "-" + revoked.spanId() + "-01");
        assertThat(lastCall(upstream, SecuredGateway.TRACED_KEY).header("traceparent"))
                .isEqualTo("00-" + traceId + "-" + answered.spanId() + "-01");
        assertThat(requestLogTraceId(requestId)).isEqualTo(traceId);
    }

    @Test
    void aStreamTheClientCancelsEndsItsSpans() {
        String traceId = hex(16);
        Flux<ResponseEntity<Flux<String>>> call = WebClient.create(gateway.baseUrl()).post().uri("/api/chat/stream")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + clientKey)
                .header("traceparent", "00-" + traceId + "-" + hex(8) + "-01")
                // a client that never resumes: leaving ends the upstream call at once (no grace period)
                .header("x-switchboard-resumable", "false")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"provider\":\"traced-slow\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .retrieve().toEntityFlux(String.class).flux();

        StepVerifier.create(call.flatMap(entity -> {
                    assertThat(entity.getHeaders().getFirst("X-Trace-Id")).isEqualTo(traceId);
                    return entity.getBody();
                }).filter(line -> line.contains("delta")))
                .expectNextCount(1)
                .thenCancel()
                .verify(Duration.ofSeconds(10));

        List<ExportedSpan> spans = awaitSpans(traceId, 2);
        ExportedSpan server = only(spans, ExportedSpan.SERVER);
        ExportedSpan attempt = only(spans, ExportedSpan.CLIENT);
        assertThat(attempt.parentSpanId()).isEqualTo(server.spanId());
        assertThat(attempt.attributes()).containsEntry("switchboard.attempt.outcome", "cancelled")
                .containsEntry("switchboard.key.alias", "traced-slow#1")
                .containsKey("switchboard.time_to_first_content_ms")
                .doesNotContainKey("error.type");
        assertThat(attempt.endNanos()).as("ended when the client left, long before the idle timeout")
                .isLessThan(attempt.startNanos() + Duration.ofSeconds(2).toNanos());
        assertThat(server.endNanos()).isPositive();
    }

    @Test
    void eachWebSocketMessageIsARequestWithASpanOfItsOwnUnderTheHandshake() {
        String traceId = hex(16);
        String callerSpan = hex(8);
        HttpHeaders headers = new HttpHeaders();
        headers.set("traceparent", "00-" + traceId + "-" + callerSpan + "-01");
        WsProbe.Seen seen = WsProbe.talk(URI.create("ws://127.0.0.1:" + gateway.port() + "/api/chat/ws?access_token="
                + clientKey), headers, List.of("{\"id\":\"a\",\"provider\":\"sec\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                replies -> replies.stream().anyMatch(reply -> reply.contains("\"type\":\"done\"")), Duration.ofSeconds(10));

        JsonNode done = seen.replies().stream().map(reply -> JsonMapper.shared().readTree(reply))
                .filter(reply -> reply.path("type").asString().equals("done")).findFirst().orElseThrow();
        assertThat(done.path("trace_id").asString()).isEqualTo(traceId);
        List<ExportedSpan> spans = awaitSpans(traceId, 3);
        ExportedSpan handshake = spans.stream().filter(span -> span.kind() == ExportedSpan.SERVER
                && span.parentSpanId().equals(callerSpan)).findFirst().orElseThrow();
        ExportedSpan message = spans.stream().filter(span -> span.name().equals("websocket chat")).findFirst()
                .orElseThrow();
        ExportedSpan attempt = only(spans, ExportedSpan.CLIENT);
        assertThat(message.parentSpanId()).isEqualTo(handshake.spanId());
        assertThat(message.kind()).isEqualTo(ExportedSpan.SERVER);
        assertThat(message.text("switchboard.request.id")).isEqualTo(done.path("request_id").asString());
        assertThat(attempt.parentSpanId()).isEqualTo(message.spanId());
        assertThat(attempt.attribute("switchboard.attempt.outcome")).isEqualTo("success");
    }

    @Test
    void aRequestWithoutTraceparentStartsATraceAndAnswersItsId() {
        EntityExchangeResult<JsonNode> result = gateway.http().post().uri("/api/chat")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + clientKey)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"provider\":\"sec\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange()
                .expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult();
        String traceId = result.getResponseHeaders().getFirst("X-Trace-Id");

        assertThat(traceId).matches("[0-9a-f]{32}");
        List<ExportedSpan> spans = awaitSpans(traceId, 2);
        ExportedSpan server = only(spans, ExportedSpan.SERVER);
        assertThat(server.isRoot()).isTrue();
        assertThat(only(spans, ExportedSpan.CLIENT).parentSpanId()).isEqualTo(server.spanId());
        assertThat(requestLogTraceId(result.getResponseHeaders().getFirst("X-Request-Id"))).isEqualTo(traceId);
    }

    private List<ExportedSpan> awaitSpans(String traceId, int count) {
        return await().atMost(EXPORTED).until(() -> collector.trace(traceId), spans -> spans.size() >= count);
    }

    private static ExportedSpan only(List<ExportedSpan> spans, int kind) {
        List<ExportedSpan> ofKind = spans.stream().filter(span -> span.kind() == kind).toList();
        assertThat(ofKind).as("spans of kind %d in %s", kind, spans).hasSize(1);
        return ofKind.get(0);
    }

    /** The attempts' spans in the order they were made. */
    private static List<ExportedSpan> attemptsOf(List<ExportedSpan> spans) {
        return spans.stream().filter(span -> span.kind() == ExportedSpan.CLIENT)
                .sorted((a, b) -> Long.compare(a.startNanos(), b.startNanos())).toList();
    }

    private static FakeUpstream.Recorded lastCall(FakeUpstream upstream, String key) {
        List<FakeUpstream.Recorded> calls = upstream.requestsWith(key);
        assertThat(calls).isNotEmpty();
        return calls.get(calls.size() - 1);
    }

    private String requestLogTraceId(String requestId) {
        // the row is written by the request's last step, which may run just after the response was sent
        Map<String, Object> row = await().atMost(Duration.ofSeconds(5)).until(() -> {
            gateway.bean(RequestLogWriter.class).flushAll().block(Duration.ofSeconds(5));
            return gateway.bean(DatabaseClient.class)
                    .sql("select id, trace_id from request_log where id = :id").bind("id", requestId)
                    .fetch().one().block(Duration.ofSeconds(5));
        }, Objects::nonNull);
        return (String) row.get("trace_id");
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
