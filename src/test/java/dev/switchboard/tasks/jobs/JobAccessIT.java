package dev.switchboard.tasks.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.SecuredGateway;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/** With client keys, a client sees and cancels only its own jobs; the admin token sees everyone's. */
class JobAccessIT {

    private final SecuredGateway gateway = SecuredGateway.get();
    private final WebTestClient http = gateway.http();

    private JsonNode submit(String key, String input) {
        return http.post().uri("/api/v1/brain/jobs").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"task_type\":\"generic\",\"input_data\":\"" + input + "\"}")
                .exchange().expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private WebTestClient.ResponseSpec get(String key, String uri) {
        return http.get().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange();
    }

    @Test
    void aClientReadingAnotherClientsJobGets404AndListsOnlyItsOwn() {
        String alice = gateway.createClient("jobs-alice", 0, 0, 0);
        String bob = gateway.createClient("jobs-bob", 0, 0, 0);
        JsonNode alicesJob = submit(alice, "alice's work");
        String id = alicesJob.path("job_id").asString();

        get(alice, "/api/v1/brain/jobs/" + id).expectStatus().isOk().expectBody().jsonPath("$.job_id").isEqualTo(id);
        get(bob, "/api/v1/brain/jobs/" + id).expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("job_not_found");
        http.delete().uri("/api/v1/brain/jobs/" + id).header(HttpHeaders.AUTHORIZATION, "Bearer " + bob).exchange()
                .expectStatus().isNotFound();
        JsonNode bobsList = get(bob, "/api/v1/brain/jobs").expectStatus().isOk().expectBody(JsonNode.class)
                .returnResult().getResponseBody();
        assertThat(bobsList.path("data")).noneSatisfy(job -> assertThat(job.path("job_id").asString()).isEqualTo(id));
        JsonNode alicesList = get(alice, "/api/v1/brain/jobs").expectStatus().isOk().expectBody(JsonNode.class)
                .returnResult().getResponseBody();
        assertThat(alicesList.path("data")).extracting(job -> job.path("job_id").asString()).contains(id);
        assertThat(alicesList.path("data")).allSatisfy(job ->
                assertThat(job.path("client_id").asString()).isEqualTo(alicesJob.path("client_id").asString()));

        JsonNode everyone = gateway.admin().get().uri("/api/v1/brain/jobs?size=100").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(everyone.path("data")).extracting(job -> job.path("job_id").asString()).contains(id);
        // this instance runs no jobs, but another test instance on the same database may have run it already
        int status = gateway.admin().delete().uri("/api/v1/brain/jobs/" + id).exchange().returnResult(String.class)
                .getStatus().value();
        assertThat(status).as("the admin may cancel it (or learn it finished)").isIn(200, 409);
    }

    @Test
    void jobsNeedAClientKey() {
        http.post().uri("/api/v1/brain/jobs").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"task_type\":\"generic\",\"input_data\":\"x\"}").exchange()
                .expectStatus().isUnauthorized();
    }
}
