package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.resume.ResumableStreams;
import dev.switchboard.simulator.SimulatorServer;
import dev.switchboard.simulator.SimulatorStats;
import dev.switchboard.testsupport.GatewayIT;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Resumable streams over HTTP: ids on every event, a dropped client continuing with Last-Event-ID, 410 after. */
@GatewayIT
class ResumableStreamsIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
    };

    @Autowired
    WebTestClient http;

    @Autowired
    SimulatorServer simulator;

    @Autowired
    ResumableStreams streams;

    @Autowired
    JsonMapper json;

    @LocalServerPort
    int port;

    private WebClient client() {
        return WebClient.create("http://127.0.0.1:" + port);
    }

    private static String body(String prompt) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    }

    private static String openAiBody(String prompt) {
        return "{\"model\":\"auto\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    }

    /** The whole stream in one connection. */
    private List<ServerSentEvent<String>> read(String path, String body) {
        return client().post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .retrieve().bodyToFlux(SSE).collectList().block(WAIT);
    }

    /** The first {@code n} events, then the connection is dropped. */
    private List<ServerSentEvent<String>> readThenDrop(String path, String body, int n) {
        return client().post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .retrieve().bodyToFlux(SSE).take(n).collectList().block(WAIT);
    }

    private List<ServerSentEvent<String>> resume(String path, String lastEventId) {
        return resumeRequest(path, lastEventId).retrieve().bodyToFlux(SSE).collectList().block(WAIT);
    }

    private WebClient.RequestHeadersSpec<?> resumeRequest(String path, String lastEventId) {
        return client().post().uri(path).header("Last-Event-ID", lastEventId)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}");
    }

    private String nativeText(List<ServerSentEvent<String>> events) {
        StringBuilder text = new StringBuilder();
        for (ServerSentEvent<String> event : events) {
            if ("chunk".equals(event.event())) {
                text.append(json.readTree(event.data()).path("delta").asString());
            }
        }
        return text.toString();
    }

    private String openAiText(List<ServerSentEvent<String>> events) {
        StringBuilder text = new StringBuilder();
        for (ServerSentEvent<String> event : events) {
            if (event.data() != null && event.data().startsWith("{")) {
                JsonNode choice = json.readTree(event.data()).path("choices").path(0);
                text.append(choice.path("delta").path("content").asString(""));
            }
        }
        return text.toString();
    }

    private static long upstreamStreams(SimulatorStats stats) {
        return stats.completedStreams() + stats.cancelledStreams() + stats.activeStreams();
    }

    private static void assertNumberedInOrder(List<ServerSentEvent<String>> events) {
        String stream = events.get(0).id().substring(0, events.get(0).id().lastIndexOf('.'));
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).id()).isEqualTo(stream + "." + (i + 1));
        }
    }

    @Test
    void everyEventOfBothStreamingSurfacesCarriesAnIdNumberedFromOne() {
        List<ServerSentEvent<String>> native_ = read("/api/chat/stream", body("Number them"));
        List<ServerSentEvent<String>> openAi = read("/v1/chat/completions", openAiBody("Number them"));

        assertThat(native_).extracting(ServerSentEvent::event).endsWith("done");
        assertNumberedInOrder(native_);
        assertThat(openAi.get(openAi.size() - 1).data()).isEqualTo("[DONE]");
        assertNumberedInOrder(openAi);
        assertThat(native_.get(0).id()).isNotEqualTo(openAi.get(0).id());
    }

    @Test
    void aClientThatDropsMidStreamContinuesWithLastEventIdOnTheSameUrlWithNothingLostOrRepeated() {
        String whole = nativeText(read("/api/chat/stream", body("Resume me")));
        long upstreamBefore = upstreamStreams(simulator.stats());

        List<ServerSentEvent<String>> first = readThenDrop("/api/chat/stream", body("Resume me"), 2);
        List<ServerSentEvent<String>> rest = resume("/api/chat/stream", first.get(first.size() - 1).id());

        List<ServerSentEvent<String>> all = new ArrayList<>(first);
        all.addAll(rest);
        assertNumberedInOrder(all);
        assertThat(rest.get(rest.size() - 1).event()).isEqualTo("done");
        assertThat(nativeText(all)).isEqualTo(whole).startsWith("Simulated answer to “Resume me”");
        assertThat(upstreamStreams(simulator.stats()) - upstreamBefore).as("one upstream call").isEqualTo(1);
    }

    @Test
    void aResumedConnectionNamesTheRouteTheStreamCommittedTo() {
        for (String path : List.of("/api/chat/stream", "/v1/chat/completions")) {
            String body = path.startsWith("/v1") ? openAiBody("Name the route") : body("Name the route");
            AtomicReference<HttpHeaders> original = new AtomicReference<>();
            List<ServerSentEvent<String>> first = client().post().uri(path).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .exchangeToFlux(response -> {
                        original.set(response.headers().asHttpHeaders());
                        return response.bodyToFlux(SSE);
                    })
                    .take(2).collectList().block(WAIT);

            HttpHeaders resumed = resumeRequest(path, first.get(first.size() - 1).id())
                    .exchangeToMono(response -> response.bodyToFlux(SSE).then(Mono.just(response.headers().asHttpHeaders())))
                    .block(WAIT);

            assertThat(resumed.getFirst("x-switchboard-provider")).as(path)
                    .isNotBlank().isEqualTo(original.get().getFirst("x-switchboard-provider"));
            assertThat(resumed.getFirst("x-switchboard-model")).as(path)
                    .isNotBlank().isEqualTo(original.get().getFirst("x-switchboard-model"));
        }
    }

    @Test
    void anOpenAiStreamIsResumedTheSameWay() {
        String whole = openAiText(read("/v1/chat/completions", openAiBody("Resume the SDK")));

        List<ServerSentEvent<String>> first = readThenDrop("/v1/chat/completions", openAiBody("Resume the SDK"), 3);
        List<ServerSentEvent<String>> rest = resume("/v1/chat/completions", first.get(first.size() - 1).id());

        List<ServerSentEvent<String>> all = new ArrayList<>(first);
        all.addAll(rest);
        assertNumberedInOrder(all);
        assertThat(rest.get(rest.size() - 1).data()).isEqualTo("[DONE]");
        assertThat(openAiText(all)).isEqualTo(whole);
    }

    @Test
    void aStreamIsResumedOnlyOnTheEndpointItWasStartedOn() {
        List<ServerSentEvent<String>> first = readThenDrop("/api/chat/stream", body("Stay native"), 1);

        http.post().uri("/v1/chat/completions").header("Last-Event-ID", first.get(first.size() - 1).id())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.GONE)
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("stream_expired")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("another endpoint"));
    }

    @Test
    void aResumeOfAStreamThisInstanceDoesNotHoldIs410StreamExpiredNamingTheOwner() {
        http.post().uri("/api/chat/stream").header("Last-Event-ID", "elsewhere.AAAAAAAAAAAAAAAA.3")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.GONE)
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("stream_expired")
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("instance 'elsewhere'"));
        http.get().uri("/api/chat/stream/" + streams.instance() + ".AAAAAAAAAAAAAAAA")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.GONE)
                .expectBody().jsonPath("$.error.code").isEqualTo("stream_expired");
    }

    @Test
    void aMalformedLastEventIdIsABadRequest() {
        http.post().uri("/api/chat/stream").header("Last-Event-ID", "42")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_event_id");
    }

    @Test
    void aStreamStartedWithRespondAsyncIsReadFromItsEventsUrl() {
        String whole = nativeText(read("/api/chat/stream", body("Start detached")));

        JsonNode started = json.readTree(http.post().uri("/api/chat/stream").header("Prefer", "respond-async")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body("Start detached"))
                .exchange()
                .expectStatus().isAccepted()
                .expectHeader().exists("Location")
                .expectBody(String.class).returnResult().getResponseBody());
        String url = started.path("events_url").asString();
        assertThat(url).isEqualTo("/api/chat/stream/" + started.path("id").asString());

        List<ServerSentEvent<String>> events = client().get().uri(url).retrieve().bodyToFlux(SSE)
                .collectList().block(WAIT);
        assertNumberedInOrder(events);
        assertThat(nativeText(events)).isEqualTo(whole);
    }
}
