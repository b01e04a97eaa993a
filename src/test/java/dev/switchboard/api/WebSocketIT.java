package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.SimulatorServer;
import dev.switchboard.testsupport.GatewayIT;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@GatewayIT
class WebSocketIT {

    @LocalServerPort
    int port;

    @Autowired
    SimulatorServer simulator;

    @Autowired
    JsonMapper json;

    /** A socket session driven from the test: send messages, collect replies until a condition holds. */
    private final class Session {
        final Sinks.Many<String> out = Sinks.many().unicast().onBackpressureBuffer();
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        final Disposable connection;

        Session() {
            connection = new ReactorNettyWebSocketClient().execute(URI.create("ws://127.0.0.1:" + port + "/api/chat/ws"),
                    session -> Mono.when(
                            session.send(out.asFlux().map(session::textMessage)),
                            session.receive().map(WebSocketMessage::getPayloadAsText)
                                    .doOnNext(text -> received.add(json.readTree(text))).then()))
                    .subscribe();
        }

        void send(String message) {
            out.tryEmitNext(message);
        }

        List<JsonNode> of(String id) {
            return received.stream().filter(m -> id.equals(m.path("id").asString(null))).toList();
        }

        boolean has(String id, String type) {
            return of(id).stream().anyMatch(m -> type.equals(m.path("type").asString()));
        }

        void close() {
            out.tryEmitComplete();
            connection.dispose();
        }
    }

    @Test
    void runsSeveralRequestsAtOnceOnOneSocket() {
        Session session = new Session();
        session.send("{\"id\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"first\"}]}");
        session.send("{\"id\":\"b\",\"model\":\"alpha/alpha-1\",\"messages\":[{\"role\":\"user\",\"content\":\"second\"}]}");

        await().atMost(Duration.ofSeconds(10)).until(() -> session.has("a", "done") && session.has("b", "done"));
        session.close();

        for (String id : List.of("a", "b")) {
            List<JsonNode> messages = session.of(id);
            assertThat(messages.subList(0, messages.size() - 1))
                    .allSatisfy(m -> assertThat(m.path("type").asString()).isEqualTo("chunk"));
            assertThat(messages).hasSize(7);
            JsonNode done = messages.get(6);
            assertThat(done.path("request_id").asString()).startsWith("req_");
            assertThat(done.path("attempts")).isNotEmpty();
        }
        assertThat(session.of("b").get(6).path("path").asString()).isEqualTo("model");
    }

    @Test
    void aBadMessageGetsAnErrorAndTheSocketStaysOpen() {
        Session session = new Session();
        session.send("this is not json");
        session.send("{\"id\":\"x\",\"messages\":[]}");
        session.send("{\"id\":\"y\",\"messages\":[{\"role\":\"user\",\"content\":\"still here?\"}]}");

        await().atMost(Duration.ofSeconds(10)).until(() -> session.has("y", "done"));
        session.close();

        JsonNode first = session.received.get(0);
        assertThat(first.path("type").asString()).isEqualTo("error");
        assertThat(first.path("error").path("code").asString()).isEqualTo("invalid_json");
        assertThat(session.of("x")).singleElement()
                .satisfies(m -> assertThat(m.path("error").path("code").asString()).isEqualTo("messages_required"));
    }

    @Test
    void cancellingOneRequestStopsItsUpstreamAndLeavesTheOtherRunning() {
        Session session = new Session();
        session.send("{\"id\":\"slow\",\"provider\":\"slow\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        await().atMost(Duration.ofSeconds(5)).until(() -> session.of("slow").size() >= 2);
        assertThat(simulator.stats().activeStreams()).isPositive();
        session.send("{\"id\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        session.send("{\"type\":\"cancel\",\"id\":\"slow\"}");

        await().atMost(Duration.ofSeconds(5)).until(() -> session.has("slow", "cancelled") && session.has("fast", "done"));
        await().atMost(Duration.ofSeconds(1)).until(() -> simulator.stats().activeStreams() == 0);
        session.close();
        assertThat(session.has("slow", "error")).isFalse();
    }

    @Test
    void closingTheSocketCancelsEveryRequestOnItThatWillNotResume() {
        Session session = new Session();
        session.send("{\"id\":\"s1\",\"provider\":\"slow\",\"resumable\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        session.send("{\"id\":\"s2\",\"provider\":\"slow\",\"resumable\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        await().atMost(Duration.ofSeconds(5)).until(() -> session.of("s1").size() >= 2 && session.of("s2").size() >= 2);
        // streams other tests left to finish in their grace period may still run: they only end meanwhile
        int open = simulator.stats().activeStreams();
        assertThat(open).isGreaterThanOrEqualTo(2);

        session.close();

        await().atMost(Duration.ofSeconds(1)).until(() -> simulator.stats().activeStreams() <= open - 2);
    }

    @Test
    void unknownCancelAndDuplicateIdsAreErrors() {
        Session session = new Session();
        session.send("{\"type\":\"cancel\",\"id\":\"ghost\"}");
        session.send("{\"id\":\"d\",\"provider\":\"slow\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        session.send("{\"id\":\"d\",\"provider\":\"slow\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        await().atMost(Duration.ofSeconds(5)).until(() -> session.has("ghost", "error") && session.has("d", "error"));
        session.close();
        assertThat(session.of("ghost").get(0).path("error").path("code").asString()).isEqualTo("unknown_request");
        assertThat(session.of("d").stream().map(m -> m.path("error").path("code").asString(""))).contains("duplicate_id");
    }

    private static String text(List<JsonNode> messages) {
        StringBuilder text = new StringBuilder();
        messages.stream().filter(m -> "chunk".equals(m.path("type").asString()))
                .forEach(m -> text.append(m.path("delta").asString()));
        return text.toString();
    }

    private long upstreamStreams() {
        return simulator.stats().completedStreams() + simulator.stats().cancelledStreams()
                + simulator.stats().activeStreams();
    }

    @Test
    void aRequestWhoseSocketDroppedContinuesOnANewSocketWithAResumeMessage() {
        String request = "{\"id\":\"r\",\"messages\":[{\"role\":\"user\",\"content\":\"Resume over the socket\"}]}";
        Session whole = new Session();
        whole.send(request);
        await().atMost(Duration.ofSeconds(10)).until(() -> whole.has("r", "done"));
        whole.close();
        long upstreamBefore = upstreamStreams();

        // a socket that reads two messages and drops
        List<JsonNode> first = new CopyOnWriteArrayList<>();
        new ReactorNettyWebSocketClient().execute(URI.create("ws://127.0.0.1:" + port + "/api/chat/ws"),
                        session -> Mono.when(session.send(Mono.just(session.textMessage(request))),
                                session.receive().map(WebSocketMessage::getPayloadAsText).map(json::readTree)
                                        .doOnNext(first::add).take(2).then())
                                .then(session.close()))
                .block(Duration.ofSeconds(10));
        String lastEventId = first.get(1).path("event_id").asString();

        Session again = new Session();
        again.send("{\"type\":\"resume\",\"id\":\"r\",\"last_event_id\":\"" + lastEventId + "\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> again.has("r", "done"));
        again.close();

        List<JsonNode> all = new java.util.ArrayList<>(first);
        all.addAll(again.of("r"));
        String stream = lastEventId.substring(0, lastEventId.lastIndexOf('.'));
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).path("event_id").asString()).isEqualTo(stream + "." + (i + 1));
        }
        assertThat(text(all)).isEqualTo(text(whole.of("r"))).startsWith("Simulated answer to “Resume");
        assertThat(upstreamStreams() - upstreamBefore).as("one upstream call").isEqualTo(1);
    }

    @Test
    void aResumeTooLateOrOfAnUnknownStreamIsAnErrorWithStreamExpired() {
        Session session = new Session();
        session.send("{\"type\":\"resume\",\"id\":\"late\",\"last_event_id\":\"nowhere.AAAAAAAAAAAAAAAA.4\"}");
        session.send("{\"type\":\"resume\",\"id\":\"bare\"}");

        await().atMost(Duration.ofSeconds(5)).until(() -> session.has("late", "error") && session.has("bare", "error"));
        session.close();
        assertThat(session.of("late").get(0).path("error").path("code").asString()).isEqualTo("stream_expired");
        assertThat(session.of("bare").get(0).path("error").path("code").asString()).isEqualTo("invalid_event_id");
    }
}
