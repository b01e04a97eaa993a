package dev.switchboard.tasks.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testsupport.ExtraGateway;
import dev.switchboard.testsupport.GatewayIT;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Several gateway instances on one PostgreSQL: they drain one queue without running a job twice, a job
 * accepted survives every instance going away, and a job whose instance is killed (a real process,
 * {@code kill -9}) is finished by another once its lease runs out.
 */
@GatewayIT
class JobInstancesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String JOB = "{\"task_type\":\"generic\",\"input_data\":\"Job number %d\"}";

    @Autowired
    WebTestClient http;

    @Autowired
    JobWorker worker;

    @Autowired
    DatabaseClient database;

    @Autowired
    Environment environment;

    @AfterEach
    void workerRunsAgain() {
        Workers.resume(worker);
    }

    private static WebTestClient client(ConfigurableApplicationContext context) {
        return WebTestClient.bindToServer().responseTimeout(WAIT)
                .baseUrl("http://localhost:" + context.getEnvironment().getProperty("local.server.port")).build();
    }

    private long requestLogRows(String requestIdPattern) {
        return database.sql("select count(*) as n from request_log where id like :p").bind("p", requestIdPattern)
                .map(row -> row.get("n", Long.class)).one().block(WAIT);
    }

    @Test
    void twoInstancesDrainOneQueueAndNoJobRunsTwice() {
        try (ConfigurableApplicationContext second = ExtraGateway.start("test", "--switchboard.jobs.concurrency=2")) {
            WebTestClient other = client(second);
            String otherWorker = second.getBean(JobWorker.class).id();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                ids.add(JobsIT.submit(i % 2 == 0 ? http : other, JOB.formatted(i)).path("job_id").asString());
            }

            Set<String> workers = new HashSet<>();
            for (String id : ids) {
                JsonNode done = JobsIT.awaitStatus(http, id, "succeeded");
                assertThat(done.path("attempts").asInt()).isEqualTo(1);
                workers.add(done.path("worker").asString());
            }

            assertThat(workers).as("both instances took jobs").containsExactlyInAnyOrder(worker.id(), otherWorker);
            for (String id : ids) {
                await().atMost(Duration.ofSeconds(5)).until(() -> requestLogRows(id) == 1);
                assertThat(requestLogRows(id + "-%")).as("job " + id + " ran once").isZero();
            }
        }
    }

    @Test
    void acceptedJobsSurviveEveryInstanceGoingAwayAndAFullQueueIs429() {
        Workers.pause(worker);
        long queuedAlready = database.sql("select count(*) as n from task_job where status = 'queued'")
                .map(row -> row.get("n", Long.class)).one().block(WAIT);
        List<String> ids = new ArrayList<>();
        try (ConfigurableApplicationContext acceptOnly = ExtraGateway.start("test", "--switchboard.jobs.concurrency=0",
                "--switchboard.jobs.max-queued=" + (queuedAlready + 3))) {
            WebTestClient accepting = client(acceptOnly);
            for (int i = 0; i < 3; i++) {
                ids.add(JobsIT.submit(accepting, JOB.formatted(100 + i)).path("job_id").asString());
            }
            accepting.post().uri("/api/v1/brain/jobs").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(JOB.formatted(103)).exchange()
                    .expectStatus().isEqualTo(429)
                    .expectHeader().exists("Retry-After")
                    .expectBody().jsonPath("$.error.code").isEqualTo("queue_full");
        }
        for (String id : ids) {
            assertThat(JobsIT.read(http, id).path("status").asString()).isEqualTo("queued");
        }

        Workers.resume(worker);

        for (String id : ids) {
            JsonNode done = JobsIT.awaitStatus(http, id, "succeeded");
            assertThat(done.path("worker").asString()).isEqualTo(worker.id());
        }
    }

    @Test
    @Timeout(180)
    void aJobWhoseInstanceIsKilledIsFinishedByAnotherAfterItsLease() throws Exception {
        Workers.pause(worker);
        int port = freePort();
        File log = new File("target/jobs-killed-instance.log");
        Process instance = startInstance(port, log);
        try {
            awaitHealthy(port, instance, log);
            String id = JobsIT.submit(http, "{\"task_type\":\"generic\",\"input_data\":\"outlive me\","
                    + "\"preferred_provider\":\"lingering\",\"model\":\"lg-1\"}").path("job_id").asString();
            JsonNode running = JobsIT.awaitStatus(http, id, "running");
            assertThat(running.path("worker").asString()).isNotEqualTo(worker.id());

            instance.destroyForcibly();
            assertThat(instance.waitFor(20, TimeUnit.SECONDS)).isTrue();
            Workers.resume(worker);

            JsonNode done = JobsIT.awaitStatus(http, id, "succeeded");
            assertThat(done.path("attempts").asInt()).isEqualTo(2);
            assertThat(done.path("worker").asString()).isEqualTo(worker.id());
            assertThat(done.path("result").path("metadata").path("request_id").asString()).isEqualTo(id + "-a2");
        } finally {
            instance.destroyForcibly();
        }
    }

    /** Another gateway in its own JVM on this test's PostgreSQL, as a second server would run it. */
    private Process startInstance(int port, File log) throws IOException {
        String url = environment.getRequiredProperty("spring.r2dbc.url");
        String jdbc = environment.getRequiredProperty("spring.flyway.url");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "dev.switchboard.SwitchboardApplication",
                "--spring.profiles.active=test", "--server.port=" + port,
                "--spring.r2dbc.url=" + url, "--spring.r2dbc.username=postgres", "--spring.r2dbc.password=",
                "--spring.flyway.url=" + jdbc, "--spring.flyway.user=postgres", "--spring.flyway.password=",
                "--switchboard.jobs.concurrency=1", "--switchboard.keys.check-on-startup=false");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    private static void awaitHealthy(int port, Process instance, File log) {
        HttpClient client = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertThat(instance.isAlive()).as("the instance is running (see " + log + ")").isTrue();
            try {
                HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                return health.statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
