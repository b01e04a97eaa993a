package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.testsupport.Sse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code /v1/chat/completions} and {@code /v1/models} in the exact shapes the OpenAI SDKs parse. */
@GatewayIT
class OpenAiCompatIT {

    @Autowired
    WebTestClient http;

    @Autowired
    JsonMapper json;

    private WebTestClient.ResponseSpec completions(String body) {
        return http.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    @Test
    void autoModelAnswersAsAChatCompletion() {
        JsonNode body = completions("{\"model\":\"auto\",\"messages\":[{\"role\":\"system\",\"content\":\"be terse\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}]}]}")
                .expectStatus().isOk()
                .expectHeader().valueEquals("x-switchboard-path", "default")
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(body.path("id").asString()).startsWith("chatcmpl-");
        assertThat(body.path("object").asString()).isEqualTo("chat.completion");
        assertThat(body.path("created").isNumber()).isTrue();
        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("index").asInt()).isZero();
        assertThat(choice.path("message").path("role").asString()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asString()).startsWith("Simulated answer to “Hello”");
        assertThat(choice.path("finish_reason").asString()).isEqualTo("stop");
        assertThat(body.path("usage").path("total_tokens").asInt())
                .isEqualTo(body.path("usage").path("prompt_tokens").asInt() + body.path("usage").path("completion_tokens").asInt());
    }

    @Test
    void streamsChunksWithUsageAndDone() {
        String body = completions("{\"model\":\"alpha/alpha-1\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectHeader().valueEquals("x-switchboard-provider", "alpha")
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(body).contains("data: {").endsWith("data: [DONE]\n\n");
        List<Sse.Frame> frames = Sse.parse(body);
        assertThat(frames).hasSize(1 + 6 + 1 + 1 + 1);
        JsonNode first = json.readTree(frames.get(0).data());
        assertThat(first.path("object").asString()).isEqualTo("chat.completion.chunk");
        assertThat(first.path("choices").get(0).path("delta").path("role").asString()).isEqualTo("assistant");
        JsonNode finish = json.readTree(frames.get(7).data());
        assertThat(finish.path("choices").get(0).path("finish_reason").asString()).isEqualTo("stop");
        JsonNode usage = json.readTree(frames.get(8).data());
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(6);
        assertThat(frames.get(9).data()).isEqualTo("[DONE]");
        assertThat(frames).extracting(f -> json.readTree(f.data().equals("[DONE]") ? "{}" : f.data()).path("id").asString(""))
                .filteredOn(id -> !id.isEmpty()).containsOnly(first.path("id").asString());
    }

    @Test
    void withoutIncludeUsageThereIsNoUsageChunk() {
        String body = completions("{\"model\":\"alpha/alpha-1\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        assertThat(body).doesNotContain("\"usage\"");
        assertThat(Sse.parse(body)).hasSize(1 + 6 + 1 + 1);
    }

    @Test
    void aMidStreamFailureIsAnInBandErrorChunkWithoutDone() {
        String body = completions("{\"model\":\"midfail/mf-1\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        List<Sse.Frame> frames = Sse.parse(body);
        JsonNode last = json.readTree(frames.get(frames.size() - 1).data());
        assertThat(last.path("error").path("code").asString()).isEqualTo("stream_interrupted");
        assertThat(frames.get(frames.size() - 1).event()).as("clients that read only event names see it too")
                .isEqualTo("error");
        assertThat(body).doesNotContain("[DONE]");
    }

    @Test
    void missingModelAndImagePartsAre400s() {
        completions("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.code").isEqualTo("model_required");
        completions("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.code").isEqualTo("unsupported_content");
    }

    @Test
    void modelsListsAutoAndEveryProviderModel() {
        JsonNode body = http.get().uri("/v1/models").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(body.path("object").asString()).isEqualTo("list");
        assertThat(body.path("data").findValuesAsString("id")).contains("auto", "alpha/alpha-1", "alpha/alpha-2", "beta/beta-1")
                .doesNotContain("disabled/d-1");
        assertThat(body.path("data").get(0).path("object").asString()).isEqualTo("model");
    }
}
