package dev.switchboard.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.testsupport.MultipartForm;
import dev.switchboard.testsupport.Sse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@GatewayIT
class TaskStreamIT {

    @Autowired
    WebTestClient http;

    @Autowired
    JsonMapper json;

    private List<Sse.Frame> stream(String body) {
        String text = http.post().uri("/api/v1/brain/process/stream").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody(String.class).returnResult().getResponseBody();
        return Sse.parse(text);
    }

    private String deltas(List<Sse.Frame> frames) {
        StringBuilder text = new StringBuilder();
        frames.stream().filter(f -> f.event().equals("chunk"))
                .forEach(f -> text.append(json.readTree(f.data()).path("delta").asString()));
        return text.toString();
    }

    private JsonNode done(List<Sse.Frame> frames) {
        Sse.Frame last = frames.get(frames.size() - 1);
        assertThat(last.event()).isEqualTo("done");
        return json.readTree(last.data());
    }

    @Test
    void streamsTheAnswerThenTheStoredRecord() {
        List<Sse.Frame> frames = stream("{\"task_type\":\"chat\",\"input_data\":\"Stream it\"}");

        assertThat(frames).extracting(Sse.Frame::event).containsExactly("chunk", "chunk", "chunk", "chunk", "chunk",
                "chunk", "done");
        JsonNode record = done(frames);
        assertThat(record.path("success").asBoolean()).isTrue();
        assertThat(record.path("response").asString()).isEqualTo(deltas(frames)).startsWith("Simulated answer to “Stream it”");
        assertThat(record.path("metadata").path("stream").asBoolean()).isTrue();
        assertThat(record.path("metadata").path("stored").asBoolean()).isTrue();
        http.get().uri("/api/v1/brain/results/{id}", record.path("id").asString()).exchange().expectStatus().isOk();
    }

    @Test
    void aStrictTaskStreamsItsJsonInSeveralChunksAndParsesIt() {
        List<Sse.Frame> frames = stream("{\"task_type\":\"jd_parsing\",\"model\":\"sim-json\",\"input_data\":\"Engineer\"}");

        assertThat(frames.stream().filter(f -> f.event().equals("chunk")).count()).isGreaterThan(3);
        JsonNode record = done(frames);
        assertThat(record.path("parsed")).isEqualTo(json.readTree(deltas(frames)));
    }

    @Test
    void aRepairRoundIsAnnouncedAndItsAnswerIsInTheRecord() {
        List<Sse.Frame> frames = stream("{\"task_type\":\"resume_parsing\",\"model\":\"sim-json-repair\","
                + "\"input_data\":\"Grace Hopper\"}");

        assertThat(deltas(frames)).startsWith("Sure, here is the JSON");
        Sse.Frame repair = frames.get(frames.size() - 2);
        assertThat(repair.event()).isEqualTo("repair");
        assertThat(json.readTree(repair.data()).path("reason").asString()).isEqualTo("invalid_json");
        JsonNode record = done(frames);
        assertThat(record.path("success").asBoolean()).isTrue();
        assertThat(record.path("metadata").path("repaired").asBoolean()).isTrue();
        assertThat(record.path("parsed").path("source").asString()).isEqualTo("switchboard-simulator");
    }

    @Test
    void aFailureBeforeTheFirstChunkEndsInAFailedRecord() {
        List<Sse.Frame> frames = stream("{\"task_type\":\"generic\",\"model\":\"allfail/af-1\",\"input_data\":\"hi\"}");

        assertThat(frames).extracting(Sse.Frame::event).containsExactly("done");
        JsonNode record = done(frames);
        assertThat(record.path("success").asBoolean()).isFalse();
        assertThat(record.path("total_attempts").asInt()).isEqualTo(2);
    }

    @Test
    void aStreamBrokenMidwayKeepsThePartialAnswer() {
        List<Sse.Frame> frames = stream("{\"task_type\":\"generic\",\"model\":\"midfail/mf-1\",\"input_data\":\"hi\"}");

        JsonNode record = done(frames);
        assertThat(record.path("success").asBoolean()).isFalse();
        assertThat(record.path("metadata").path("error_code").asString()).isEqualTo("stream_interrupted");
        assertThat(record.path("response").asString()).isEqualTo(deltas(frames)).isNotEmpty();
    }

    @Test
    void requestErrorsComeBeforeTheStreamAsPlainJson() {
        JsonNode error = http.post().uri("/api/v1/brain/process/stream").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"task_type\":\"nope\",\"input_data\":\"x\"}").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("error");

        assertThat(error.path("code").asString()).isEqualTo("unknown_task_type");
    }

    @Test
    void aFileCanBeStreamedToo() {
        byte[] form = new MultipartForm().field("task_type", "chat")
                .file("file", "notes.md", MediaType.parseMediaType("text/markdown"),
                        "Release notes".getBytes(StandardCharsets.UTF_8))
                .build();

        String body = http.post().uri("/api/v1/brain/process/stream").contentType(MultipartForm.contentType())
                .bodyValue(form).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        JsonNode record = done(Sse.parse(body));
        assertThat(record.path("input_type").asString()).isEqualTo("file");
        assertThat(record.path("response").asString()).startsWith("Simulated answer to “Release notes”");
    }
}
