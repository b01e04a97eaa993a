package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.testsupport.Sse;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every surface over the Anthropic and Gemini adapters (the simulator speaking those formats): the same
 * answers, the same mid-stream error events, the same OpenAI-shaped context-length error.
 */
@GatewayIT
class WireFormatsIT {

    @Autowired
    WebTestClient http;

    @Autowired
    JsonMapper json;

    @LocalServerPort
    int port;

    private WebTestClient.ResponseSpec post(String uri, String body) {
        return http.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private static String ask(String provider) {
        return "{\"provider\":\"" + provider + "\",\"messages\":[{\"role\":\"system\",\"content\":\"be terse\"},"
                + "{\"role\":\"user\",\"content\":\"Hello\"}]}";
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude", "gemini"})
    void syncChatAnswersWithReportedUsage(String provider) {
        JsonNode body = post("/api/chat", ask(provider)).expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(body.path("content").asString()).startsWith("Simulated answer to “Hello”");
        assertThat(body.path("provider").asString()).isEqualTo(provider);
        assertThat(body.path("finish_reason").asString()).isEqualTo("stop");
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude", "gemini"})
    void sseStreamsChunksThenDone(String provider) {
        String body = post("/api/chat/stream", ask(provider)).expectStatus().isOk()
                .expectHeader().valueEquals("x-switchboard-provider", provider)
                .expectBody(String.class).returnResult().getResponseBody();

        List<Sse.Frame> frames = Sse.parse(body);
        assertThat(frames).extracting(Sse.Frame::event)
                .containsExactly("chunk", "chunk", "chunk", "chunk", "chunk", "chunk", "done");
        assertThat(json.readTree(frames.get(6).data()).path("usage").path("completion_tokens").asInt()).isEqualTo(6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude", "gemini"})
    void openAiCompatibleStreamHasRoleChunksFinishUsageAndDone(String provider) {
        String body = post("/v1/chat/completions", "{\"model\":\"" + provider + "/" + provider + "-1\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        List<Sse.Frame> frames = Sse.parse(body);
        assertThat(frames).hasSize(1 + 6 + 1 + 1 + 1);
        assertThat(json.readTree(frames.get(7).data()).path("choices").get(0).path("finish_reason").asString())
                .isEqualTo("stop");
        assertThat(json.readTree(frames.get(8).data()).path("usage").path("completion_tokens").asInt()).isEqualTo(6);
        assertThat(frames.get(9).data()).isEqualTo("[DONE]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude", "gemini"})
    void webSocketStreamsChunksThenDone(String provider) {
        List<JsonNode> replies = new CopyOnWriteArrayList<>();
        String request = "{\"id\":\"w\"," + ask(provider).substring(1);
        new ReactorNettyWebSocketClient().execute(URI.create("ws://127.0.0.1:" + port + "/api/chat/ws"),
                        session -> session.send(Mono.just(session.textMessage(request)))
                                .thenMany(session.receive().map(WebSocketMessage::getPayloadAsText).map(json::readTree)
                                        .doOnNext(replies::add)
                                        .takeUntil(m -> !"chunk".equals(m.path("type").asString())))
                                .then())
                .block(Duration.ofSeconds(10));

        assertThat(replies).extracting(m -> m.path("type").asString())
                .containsExactly("chunk", "chunk", "chunk", "chunk", "chunk", "chunk", "done");
        assertThat(replies.get(6).path("provider").asString()).isEqualTo(provider);
    }

    @ParameterizedTest
    @ValueSource(strings = {"claudemid", "geminimid"})
    void aMidStreamFailureEndsSseWithAnErrorEventAndOpenAiStreamsWithAnErrorChunk(String provider) {
        List<Sse.Frame> sse = Sse.parse(post("/api/chat/stream", ask(provider)).expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody());
        String compat = post("/v1/chat/completions", "{\"model\":\"" + provider + "/x\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        assertThat(sse).extracting(Sse.Frame::event).containsExactly("chunk", "chunk", "error");
        List<Sse.Frame> frames = Sse.parse(compat);
        assertThat(json.readTree(frames.get(frames.size() - 1).data()).path("error").path("code").asString())
                .isEqualTo("stream_interrupted");
        assertThat(compat).doesNotContain("[DONE]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"claudectx", "geminictx"})
    void aPromptOverTheContextWindowIsOpenAisContextLengthExceeded(String provider) {
        post("/v1/chat/completions", "{\"model\":\"" + provider + "/x\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("context_length_exceeded");
        post("/api/chat/stream", ask(provider)).expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody().jsonPath("$.error.code").isEqualTo("context_length_exceeded");
    }
}
