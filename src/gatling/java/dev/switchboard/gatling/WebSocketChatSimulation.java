package dev.switchboard.gatling;

import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code /api/chat/ws}: each user opens a socket, sends three chat requests one after another (each
 * awaited until its {@code done}; an {@code error} fails it) and closes the socket.
 */
public class WebSocketChatSimulation extends Simulation {

    private static final AtomicLong REQUESTS = new AtomicLong();
    private static final int REQUESTS_PER_SOCKET = 3;

    private final ScenarioBuilder socket = scenario("websocket chat")
            .exec(ws("connect /api/chat/ws").connect("/api/chat/ws"))
            .repeat(REQUESTS_PER_SOCKET).on(
                    ws("chat over ws")
                            .sendText(session -> {
                                long n = REQUESTS.incrementAndGet();
                                return "{\"id\":\"g" + n + "\"," + LoadProfile.chatBody(n).substring(1);
                            })
                            .await(30).on(ws.checkTextMessage("done")
                                    .matching(jsonPath("$.type").in("done", "error"))
                                    .check(jsonPath("$.type").is("done"))))
            .exec(ws("close").close());

    {
        setUp(socket.injectOpen(LoadProfile.rampThenSteady()))
                .protocols(LoadProfile.protocol())
                .assertions(LoadProfile.criteria());
    }
}
