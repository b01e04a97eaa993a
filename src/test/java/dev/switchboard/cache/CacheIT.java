package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.keys.DailyLimits;
import dev.switchboard.testsupport.ExtraGateway;
import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.testsupport.Sse;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.postgresql.codec.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The response cache over HTTP: headers, replayed streams, the request log, opt-outs, tasks, two instances. */
@GatewayIT
class CacheIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Autowired
    WebTestClient http;

    @Autowired
    DatabaseClient database;

    @Autowired
    DailyLimits limits;

    @Autowired
    MeterRegistry meters;

    @Autowired
    JsonMapper json;

    private static String chat(String question) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }

    private static String unique(String what) {
        return what + " " + UUID.randomUUID();
    }

    private EntityExchangeResult<byte[]> post(WebTestClient client, String uri, String body, String cacheControl) {
        WebTestClient.RequestBodySpec request = client.post().uri(uri).contentType(MediaType.APPLICATION_JSON);
        if (cacheControl != null) {
            request = request.header(HttpHeaders.CACHE_CONTROL, cacheControl);
        }
        return request.bodyValue(body).exchange().expectStatus().isOk().expectBody().returnResult();
    }

    private static String cacheHeader(EntityExchangeResult<?> result) {
        return result.getResponseHeaders().getFirst("x-switchboard-cache");
    }

    private Map<String, Object> requestLog(String requestId) {
        return await().atMost(WAIT).until(() -> database.sql("select * from request_log where id = :id")
                .bind("id", requestId).fetch().one().blockOptional(WAIT).orElse(null), row -> row != null);
    }

    @Test
    void aRepeatedChatIsServedFromTheCacheAndCostsNoKeyAnything() {
        String body = chat(unique("What is two and two?"));
        EntityExchangeResult<byte[]> miss = post(http, "/api/chat", body, "max-age=60");
        JsonNode fresh = json.readTree(miss.getResponseBody());
        String provider = miss.getResponseHeaders().getFirst("x-switchboard-provider");
        String key = miss.getResponseHeaders().getFirst("x-switchboard-key");
        long usedBefore = limits.used(DailyLimits.Scope.KEY, provider, key);

        EntityExchangeResult<byte[]> hit = post(http, "/api/chat", body, "max-age=60");

        assertThat(cacheHeader(miss)).isEqualTo("miss");
        assertThat(cacheHeader(hit)).isEqualTo("hit");
        assertThat(hit.getResponseHeaders().getFirst("x-switchboard-attempts")).isEqualTo("0");
        JsonNode cached = json.readTree(hit.getResponseBody());
        assertThat(cached.path("content").asString()).isEqualTo(fresh.path("content").asString());
        assertThat(limits.used(DailyLimits.Scope.KEY, provider, key)).as("no key's daily count moves")
                .isEqualTo(usedBefore);

        Map<String, Object> row = requestLog(hit.getResponseHeaders().getFirst("X-Request-Id"));
        assertThat(row.get("outcome")).isEqualTo("success");
        assertThat(row.get("prompt_tokens")).isEqualTo(0);
        assertThat(row.get("completion_tokens")).isEqualTo(0);
        JsonNode metadata = json.readTree(((Json) row.get("metadata")).asString());
        assertThat(metadata.path("cache_hit").asBoolean()).isTrue();
        assertThat(metadata.path("cached_usage").path("completion_tokens").asInt()).isPositive();
    }

    @Test
    void aRequestLogRowCarriesItsAttemptsAndWhatElseIsKnownAsJson() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + unique("Log me") + "\"}],"
                + "\"temperature\":0.25,\"fallback\":false}";
        EntityExchangeResult<byte[]> answer = post(http, "/api/chat", body, null);

        Map<String, Object> row = requestLog(answer.getResponseHeaders().getFirst("X-Request-Id"));
        JsonNode chain = json.readTree(((Json) row.get("fallback_chain")).asString());
        JsonNode metadata = json.readTree(((Json) row.get("metadata")).asString());

        assertThat(chain).hasSize(1);
        assertThat(chain.get(0).path("provider").asString()).isEqualTo(answer.getResponseHeaders().getFirst("x-switchboard-provider"));
        assertThat(chain.get(0).path("key").asString()).isEqualTo(answer.getResponseHeaders().getFirst("x-switchboard-key"));
        assertThat(chain.get(0).path("outcome").asString()).isEqualTo("ok");
        assertThat(chain.get(0).path("latency_ms").isIntegralNumber()).isTrue();
        assertThat(chain.get(0).has("error_class")).isFalse();
        assertThat(metadata.path("requested_provider").isNull()).isTrue();
        assertThat(metadata.path("max_tokens").isNull()).isTrue();
        assertThat(metadata.path("temperature").asDouble()).isEqualTo(0.25);
        assertThat(metadata.path("fallback").asBoolean(true)).isFalse();
        assertThat(metadata.path("messages").asInt()).isEqualTo(1);
        assertThat(metadata.path("completion_chars").asInt()).isPositive();
        assertThat(metadata.path("gateway_overhead_us").isIntegralNumber()).isTrue();
        assertThat(metadata.has("cache_hit")).isFalse();
    }

    @Test
    void aStreamedHitReplaysTheSameEventsAsTheFreshAnswer() {
        String body = chat(unique("Stream a story"));
        EntityExchangeResult<byte[]> miss = post(http, "/api/chat/stream", body, "max-age=60");
        EntityExchangeResult<byte[]> hit = post(http, "/api/chat/stream", body, "max-age=60");

        assertThat(cacheHeader(miss)).isEqualTo("miss");
        assertThat(cacheHeader(hit)).isEqualTo("hit");
        List<Sse.Frame> fresh = Sse.parse(new String(miss.getResponseBody()));
        List<Sse.Frame> replayed = Sse.parse(new String(hit.getResponseBody()));
        assertThat(replayed.stream().map(Sse.Frame::event).distinct().toList())
                .isEqualTo(fresh.stream().map(Sse.Frame::event).distinct().toList());
        assertThat(text(replayed)).isEqualTo(text(fresh)).isNotBlank();
    }

    private String text(List<Sse.Frame> frames) {
        StringBuilder text = new StringBuilder();
        for (Sse.Frame frame : frames) {
            if ("chunk".equals(frame.event())) {
                JsonNode data = json.readTree(frame.data());
                text.append(data.path("delta").asString());
            }
        }
        return text.toString();
    }

    @Test
    void openAiStreamsReplayAsChunksEndingWithDone() {
        String body = "{\"model\":\"auto\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
                + unique("Count to three") + "\"}]}";
        EntityExchangeResult<byte[]> miss = post(http, "/v1/chat/completions", body, "max-age=60");
        EntityExchangeResult<byte[]> hit = post(http, "/v1/chat/completions", body, "max-age=60");

        assertThat(cacheHeader(hit)).isEqualTo("hit");
        assertThat(openAiText(hit)).isEqualTo(openAiText(miss)).isNotBlank();
        String replayed = new String(hit.getResponseBody());
        assertThat(replayed).contains("\"object\":\"chat.completion.chunk\"").contains("\"finish_reason\":\"stop\"")
                .endsWith("data: [DONE]\n\n");
    }

    private String openAiText(EntityExchangeResult<byte[]> result) {
        StringBuilder text = new StringBuilder();
        for (Sse.Frame frame : Sse.parse(new String(result.getResponseBody()))) {
            if (!frame.data().equals("[DONE]")) {
                for (JsonNode choice : json.readTree(frame.data()).path("choices")) {
                    text.append(choice.path("delta").path("content").asString(""));
                }
            }
        }
        return text.toString();
    }

    @Test
    void noStoreAndCacheFalseBypassTheCache() {
        String body = chat(unique("Fresh, please"));
        post(http, "/api/chat", body, "max-age=60");

        assertThat(cacheHeader(post(http, "/api/chat", body, "max-age=60, no-store"))).isEqualTo("bypass");
        assertThat(cacheHeader(post(http, "/api/chat", body, "no-cache, max-age=60"))).isEqualTo("bypass");
        String optedOut = body.replace("{\"messages\"", "{\"cache\":false,\"messages\"");
        assertThat(cacheHeader(post(http, "/api/chat", optedOut, "max-age=60"))).isEqualTo("bypass");
        assertThat(cacheHeader(post(http, "/api/chat", chat(unique("plain")), null))).as("not asked: no header")
                .isNull();
    }

    @Test
    void aTaskOfACachedTypeAtTemperatureZeroIsAnsweredFromTheCache() {
        String body = "{\"task_type\":\"cached_summary\",\"input_data\":\"" + unique("The meeting moved") + "\"}";
        EntityExchangeResult<byte[]> first = post(http, "/api/v1/brain/process", body, null);
        EntityExchangeResult<byte[]> second = post(http, "/api/v1/brain/process", body, null);

        assertThat(cacheHeader(first)).isEqualTo("miss");
        assertThat(cacheHeader(second)).isEqualTo("hit");
        JsonNode record = json.readTree(second.getResponseBody());
        assertThat(record.path("metadata").path("cache").asString()).isEqualTo("hit");
        assertThat(record.path("response").asString()).isEqualTo(json.readTree(first.getResponseBody())
                .path("response").asString());
        assertThat(cacheHeader(post(http, "/api/v1/brain/process",
                "{\"task_type\":\"generic\",\"temperature\":0,\"input_data\":\"" + unique("Other") + "\"}", null)))
                .as("task types without a ttl of their own are not cached here").isNull();
    }

    @Test
    void anotherInstanceOnTheSameDatabaseServesTheAnswerFromTheSharedTier() {
        String body = chat(unique("Shared between instances"));
        post(http, "/api/chat", body, "max-age=120");
        try (ConfigurableApplicationContext second = ExtraGateway.start("test", "--switchboard.jobs.concurrency=0")) {
            WebTestClient other = WebTestClient.bindToServer().responseTimeout(WAIT)
                    .baseUrl("http://localhost:" + second.getEnvironment().getProperty("local.server.port")).build();

            EntityExchangeResult<byte[]> hit = post(other, "/api/chat", body, "max-age=120");

            assertThat(cacheHeader(hit)).isEqualTo("hit");
            assertThat(second.getBean(MeterRegistry.class).get("switchboard.cache.requests").tag("result", "hit")
                    .tag("tier", "shared").counter().count()).isEqualTo(1);
        }
    }
}
