package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.UpstreamClients;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.providers.UpstreamTransport;
import dev.switchboard.providers.sse.EndMarker;
import dev.switchboard.support.SchedulerClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

class OpenAiClientTest {

    private static final String STREAM = chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null")
            + chunk("{\"content\":\"one \"}", "null")
            + chunk("{\"content\":\"two \"}", "null")
            + chunk("{\"content\":\"three\"}", "null")
            + chunk("{}", "\"stop\"")
            + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":3,\"total_tokens\":11}}\n\n"
            + "data: [DONE]\n\n";

    private DisposableServer server;

    private static String chunk(String delta, String finish) {
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"finish_reason\":" + finish + "}]}\n\n";
    }

    private OpenAiClient client(int status, String contentType, String body) {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.post("/v1/chat/completions", (req, res) -> req.receive().then(
                        Mono.from(res.status(status).header("content-type", contentType).sendString(Mono.just(body))))))
                .bindNow();
        String base = "http://127.0.0.1:" + server.port() + "/v1";
        UpstreamTransport http = new UpstreamTransport(UpstreamClients.of(HttpClient.create()), base,
                List.of(Map.entry("content-type", "application/json")), Long.MAX_VALUE);
        return new OpenAiClient(http, new ApiKey("p#1", "sk-test-secret-0123456789", 1, 0, true),
                JsonMapper.builder().build(), SchedulerClock.utc(), 1 << 16, EndMarker.DEFAULT, "/models");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.disposeNow();
        }
    }

    private static UpstreamRequest request() {
        return new UpstreamRequest("m", List.of(new ChatMessage("user", "hi")), null, null);
    }

    @Test
    void aSlowReaderStillGetsEveryChunkBeforeDone() {
        OpenAiClient client = client(200, "text/event-stream", STREAM);

        Flux<ChatChunk> content = client.stream(request()).filter(c -> c != ChatChunk.KeepAlive.INSTANCE);

        // one element at a time, with pauses, so the [DONE] event is read while earlier ones still queue
        StepVerifier.create(content, 1)
                .expectNext(new ChatChunk.Delta("one "))
                .thenAwait(Duration.ofMillis(50))
                .thenRequest(1)
                .expectNext(new ChatChunk.Delta("two "))
                .thenAwait(Duration.ofMillis(50))
                .thenRequest(1)
                .expectNext(new ChatChunk.Delta("three"))
                .thenRequest(10)
                .expectNext(new ChatChunk.Finish("stop"))
                .assertNext(usage -> assertThat(((ChatChunk.UsageReport) usage).usage().totalTokens()).isEqualTo(11))
                .expectComplete().verify(Duration.ofSeconds(5));
    }

    @Test
    void anInvalidKeyIsClassifiedAndTheEchoedKeyIsScrubbed() {
        OpenAiClient client = client(401, "application/json", "{\"error\":{\"message\":\"Incorrect API key provided: "
                + "sk-test-secret-0123456789.\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");

        StepVerifier.create(client.complete(request()))
                .expectErrorSatisfies(error -> {
                    UpstreamException failure = (UpstreamException) error;
                    assertThat(failure.errorClass()).isEqualTo(ErrorClass.INVALID_KEY);
                    assertThat(failure.status()).isEqualTo(401);
                    assertThat(failure.getMessage()).doesNotContain("sk-test-secret").contains("p#1");
                })
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aRateLimitCarriesTheRetryAfterHint() {
        OpenAiClient client = client(429, "application/json", "{\"error\":{\"message\":\"Rate limit reached. Please try "
                + "again in 7s.\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}");

        StepVerifier.create(client.stream(request()))
                .expectErrorSatisfies(error -> {
                    UpstreamException failure = (UpstreamException) error;
                    assertThat(failure.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
                    assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(7));
                })
                .verify(Duration.ofSeconds(5));
    }
}
