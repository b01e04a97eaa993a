package dev.switchboard.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.sse;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /api/chat/stream}: server-sent events. The gateway commits a stream only with its first
 * chunk, so the connect time ("POST /api/chat/stream") is the time to first token; "done" is the time
 * from then until the {@code done} event. An {@code error} event (or none within 30 s) fails the user.
 */
public class SseChatSimulation extends Simulation {

    private static final AtomicLong REQUESTS = new AtomicLong();

    private final ScenarioBuilder stream = scenario("sse chat")
            .exec(sse("POST /api/chat/stream")
                    .post("/api/chat/stream")
                    .header("accept", "text/event-stream")
                    .body(StringBody(session -> LoadProfile.chatBody(REQUESTS.incrementAndGet())))
                    .await(30).on(sse.checkMessage("done")
                            .matching(jsonPath("$.event").in("done", "error"))
                            .check(jsonPath("$.event").is("done"))))
            .exec(sse("close").close());

    {
        setUp(stream.injectOpen(LoadProfile.rampThenSteady()))
                .protocols(LoadProfile.protocol())
                .assertions(LoadProfile.criteria());
    }
}
