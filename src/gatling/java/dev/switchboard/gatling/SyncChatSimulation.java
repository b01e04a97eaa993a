package dev.switchboard.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.concurrent.atomic.AtomicLong;

/** {@code POST /api/chat}: one JSON answer per user; every answer must name who answered. */
public class SyncChatSimulation extends Simulation {

    private static final AtomicLong REQUESTS = new AtomicLong();

    private final ScenarioBuilder chat = scenario("sync chat")
            .exec(http("POST /api/chat")
                    .post("/api/chat")
                    .body(StringBody(session -> LoadProfile.chatBody(REQUESTS.incrementAndGet())))
                    .check(status().is(200))
                    .check(header("X-Request-Id").exists())
                    .check(jsonPath("$.content").exists())
                    .check(jsonPath("$.key").exists()));

    {
        setUp(chat.injectOpen(LoadProfile.rampThenSteady()))
                .protocols(LoadProfile.protocol())
                .assertions(LoadProfile.criteria());
    }
}
