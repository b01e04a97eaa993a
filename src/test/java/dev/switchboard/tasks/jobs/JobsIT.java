package dev.switchboard.tasks.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.SimulatorServer;
import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.testsupport.MultipartForm;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/** The jobs API on one instance: submit, poll, read the record, list, cancel queued and running jobs. */
@GatewayIT
class JobsIT {

    static final Duration FINISH = Duration.ofSeconds(20);

    @Autowired
    WebTestClient http;

    @Autowired
    JobWorker worker;

    @Autowired
    SimulatorServer simulator;

    @Autowired
    MeterRegistry meters;

    @AfterEach
    void workerRunsAgain() {
        Workers.resume(worker);
    }

    static JsonNode submit(WebTestClient http, String body) {
        EntityExchangeResult<JsonNode> result = http.post().uri("/api/v1/brain/jobs")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult();
        JsonNode job = result.getResponseBody();
        assertThat(result.getResponseHeaders().getLocation()).hasToString("/api/v1/brain/jobs/" + job.path("job_id").asString());
        return job;
    }

    static JsonNode read(WebTestClient http, String id) {
        return http.get().uri("/api/v1/brain/jobs/{id}", id).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    static JsonNode awaitStatus(WebTestClient http, String id, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(FINISH).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = read(http, id);
            return status.equals(last[0].path("status").asString());
        });
        return last[0];
    }

    private JsonNode error(WebTestClient.RequestHeadersSpec<?> request, int status) {
        return request.exchange().expectStatus().isEqualTo(status).expectBody(JsonNode.class).returnResult()
                .getResponseBody().path("error");
    }

    @Test
    void aSubmittedJobIsAcceptedAtOnceAndItsRecordIsThereWhenItFinishes() {
        JsonNode accepted = submit(http, "{\"task_type\":\"generic\",\"input_data\":\"Say hello from a job\"}");

        assertThat(accepted.path("job_id").asString()).matches("job_[0-9a-f]{24}");
        assertThat(accepted.path("status").asString()).isEqualTo("queued");
        assertThat(accepted.path("priority").asInt()).isEqualTo(5);
        assertThat(accepted.path("attempts").asInt()).isZero();
        assertThat(accepted.path("result").isNull()).isTrue();

        JsonNode done = awaitStatus(http, accepted.path("job_id").asString(), "succeeded");

        assertThat(done.path("attempts").asInt()).isEqualTo(1);
        assertThat(done.path("worker").asString()).isEqualTo(worker.id());
        assertThat(done.path("started_at").asString()).isNotBlank();
        assertThat(done.path("finished_at").asString()).isNotBlank();
        JsonNode record = done.path("result");
        assertThat(record.path("success").asBoolean()).isTrue();
        assertThat(record.path("id").asString()).isEqualTo(done.path("result_id").asString());
        assertThat(record.path("response").asString()).startsWith("Simulated answer to “Say hello from");
        assertThat(record.path("metadata").path("request_id").asString()).isEqualTo(accepted.path("job_id").asString());
        http.get().uri("/api/v1/brain/results/{id}", done.path("result_id").asString()).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.response").isEqualTo(record.path("response").asString());
    }

    @Test
    void aJobWithAFileRunsOnTheTextExtractedWhenItWasSubmitted() {
        byte[] form = new MultipartForm().field("task_type", "generic").field("priority", "7")
                .file("file", "notes.txt", MediaType.TEXT_PLAIN, "Notes from the meeting".getBytes(StandardCharsets.UTF_8))
                .build();
        JsonNode accepted = http.post().uri("/api/v1/brain/jobs").contentType(MultipartForm.contentType())
                .bodyValue(form).exchange().expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(accepted.path("priority").asInt()).isEqualTo(7);

        JsonNode record = awaitStatus(http, accepted.path("job_id").asString(), "succeeded").path("result");

        assertThat(record.path("input_type").asString()).isEqualTo("file");
        assertThat(record.path("input_data").asString()).isEqualTo("notes.txt");
        assertThat(record.path("response").asString()).contains("Notes from the");
    }

    @Test
    void aBadJobIsRefusedWithTheCodesProcessUsesAndNothingIsQueued() {
        assertThat(error(http.post().uri("/api/v1/brain/jobs").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"task_type\":\"no_such_task\",\"input_data\":\"x\"}"), 400).path("code").asString())
                .isEqualTo(error(http.post().uri("/api/v1/brain/process").contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"task_type\":\"no_such_task\",\"input_data\":\"x\"}"), 400).path("code").asString());
        assertThat(error(http.post().uri("/api/v1/brain/jobs").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"task_type\":\"generic\"}"), 400).path("code").asString()).isEqualTo("input_required");
        assertThat(error(http.post().uri("/api/v1/brain/jobs").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"task_type\":\"generic\",\"input_data\":\"x\",\"priority\":10}"), 400).path("code")
                .asString()).isEqualTo("invalid_priority");
        assertThat(error(http.post().uri("/api/v1/brain/process").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"task_type\":\"generic\",\"input_data\":\"x\",\"priority\":3}"), 400).path("code")
                .asString()).isEqualTo("unsupported_parameter");
        assertThat(error(http.get().uri("/api/v1/brain/jobs/job_000000000000000000000000"), 404).path("code")
                .asString()).isEqualTo("job_not_found");
        assertThat(error(http.get().uri("/api/v1/brain/jobs?status=done"), 400).path("code").asString())
                .isEqualTo("invalid_status");
        assertThat(error(http.get().uri("/api/v1/brain/jobs?size=1000"), 400).path("code").asString())
                .isEqualTo("invalid_size");
    }

    @Test
    void aCancelledQueuedJobNeverStarts() {
        Workers.pause(worker);
        String id = submit(http, "{\"task_type\":\"generic\",\"input_data\":\"never run me\"}").path("job_id").asString();

        JsonNode cancelled = http.delete().uri("/api/v1/brain/jobs/{id}", id).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(cancelled.path("status").asString()).isEqualTo("cancelled");
        Workers.resume(worker);

        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> "cancelled".equals(read(http, id).path("status").asString()));
        JsonNode after = read(http, id);
        assertThat(after.path("attempts").asInt()).isZero();
        assertThat(after.path("started_at").isNull()).isTrue();
        assertThat(after.path("result_id").isNull()).isTrue();
        assertThat(error(http.delete().uri("/api/v1/brain/jobs/{id}", id), 409).path("code").asString())
                .isEqualTo("job_finished");
    }

    @Test
    void cancellingARunningJobCancelsItsUpstreamCall() {
        long cancelledBefore = simulator.stats().cancelledStreams();
        String id = submit(http, "{\"task_type\":\"generic\",\"input_data\":\"take your time\","
                + "\"preferred_provider\":\"lingering\",\"model\":\"lg-1\"}").path("job_id").asString();
        awaitStatus(http, id, "running");
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.running() > 0);

        http.delete().uri("/api/v1/brain/jobs/{id}", id).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("cancelled");

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> simulator.stats().cancelledStreams() > cancelledBefore);
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.running() == 0);
        JsonNode after = read(http, id);
        assertThat(after.path("status").asString()).isEqualTo("cancelled");
        assertThat(after.path("result_id").isNull()).as("a cancelled job's outcome is never recorded").isTrue();
        assertThat(after.path("error").asString()).isEqualTo("cancelled by the client");
    }

    @Test
    void theListShowsJobsNewestFirstAndFiltersByStatus() {
        Workers.pause(worker);
        String first = submit(http, "{\"task_type\":\"generic\",\"input_data\":\"first\"}").path("job_id").asString();
        String second = submit(http, "{\"task_type\":\"generic\",\"input_data\":\"second\"}").path("job_id").asString();

        JsonNode page = http.get().uri("/api/v1/brain/jobs?status=queued&size=2").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(page.path("data")).extracting(job -> job.path("job_id").asString()).containsExactly(second, first);
        assertThat(page.path("data")).allSatisfy(job -> assertThat(job.path("status").asString()).isEqualTo("queued"));
        Workers.resume(worker);
        awaitStatus(http, first, "succeeded");
        awaitStatus(http, second, "succeeded");
        JsonNode succeeded = http.get().uri("/api/v1/brain/jobs?status=succeeded&size=100").header(HttpHeaders.ACCEPT,
                "application/json").exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult()
                .getResponseBody();
        assertThat(succeeded.path("data")).extracting(job -> job.path("job_id").asString()).contains(first, second);
    }

    @Test
    void theQueueIsMeteredAndTheLiveFeedShowsIt() {
        String id = submit(http, "{\"task_type\":\"generic\",\"input_data\":\"count me\"}").path("job_id").asString();
        awaitStatus(http, id, "succeeded");

        await().atMost(Duration.ofSeconds(5)).until(() -> meters.find("switchboard.jobs.queue").tag("status", "succeeded")
                .gauge().value() >= 1);
        assertThat(meters.find("switchboard.jobs.duration").tag("outcome", "succeeded").timer().count()).isPositive();
        assertThat(meters.find("switchboard.jobs.queue").tag("status", "queued").gauge()).isNotNull();
        assertThat(meters.find("switchboard.jobs.oldest.queued").gauge()).isNotNull();
        assertThat(meters.find("switchboard.jobs.retakes").counter()).isNotNull();

        String snapshot = http.get().uri("/api/v1/live").accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk().returnResult(String.class).getResponseBody().take(1).blockFirst(FINISH);
        assertThat(snapshot).contains("\"queue\":{\"queued\":").contains("\"running_here\":");
    }
}
