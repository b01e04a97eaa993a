package dev.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.switchboard.testsupport.MultipartForm;
import dev.switchboard.testsupport.RawWebSocket;
import dev.switchboard.testsupport.SecuredGateway;
import dev.switchboard.testsupport.WsProbe;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

/**
 * Limits on what a client sends (the secured profile sets small ones: 64 KB bodies, 32 KB task files,
 * 16 KB WebSocket messages, 10 WebSocket messages a second): each answers with a clear error.
 */
class RequestLimitsIT {

    private final SecuredGateway gateway = SecuredGateway.get();
    private final String key = gateway.createClient("limits", 0, 0, 0);
    private final WebTestClient http = gateway.http().mutate()
            .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + key).build();

    @Test
    void aBodyDeclaredLargerThanTheLimitIsRefusedBeforeItIsRead() {
        JsonNode error = http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(SecuredGateway.chat("x".repeat(70 * 1024)))
                .exchange()
                .expectStatus().isEqualTo(413)
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("error");

        assertThat(error.path("code").asString()).isEqualTo("request_too_large");
        assertThat(error.path("message").asString()).contains("65536 bytes");
    }

    @Test
    void aChunkedBodyIsCutOffAsSoonAsItCrossesTheLimit() {
        http.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .body(BodyInserters.fromDataBuffers(chunked("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"" + "y".repeat(80 * 1024) + "\"}]}")))
                .exchange()
                .expectStatus().isEqualTo(413)
                .expectBody().jsonPath("$.error.code").isEqualTo("request_too_large");
        http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .body(BodyInserters.fromDataBuffers(chunked(SecuredGateway.chat("small enough"))))
                .exchange()
                .expectStatus().isOk();
    }

    @Test
    void taskUploadsHaveTheirOwnFileLimitOnTopOfTheBodyLimit() {
        upload(40 * 1024).expectStatus().isEqualTo(413).expectBody().jsonPath("$.error.code").isEqualTo("file_too_large");
        upload(120 * 1024).expectStatus().isEqualTo(413).expectBody().jsonPath("$.error.code").isEqualTo("request_too_large");
        upload(8 * 1024).expectStatus().isOk();
    }

    @Test
    void tooManyMessagesIsA400() {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 513; i++) {
            messages.add("{\"role\":\"user\",\"content\":\"m\"}");
        }
        http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"messages\":[" + String.join(",", messages) + "]}")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("too_many_messages");
    }

    @Test
    void aWebSocketMessageOverTheSizeLimitClosesTheSocketWith1009() {
        WsProbe.Seen seen = WsProbe.talk(socket(), new HttpHeaders(), List.of(SecuredGateway.chat("z".repeat(20 * 1024))),
                replies -> false, Duration.ofSeconds(10));

        assertThat(seen.closeStatus()).isNotNull();
        assertThat(seen.closeStatus().getCode()).isEqualTo(1009);
        assertThat(seen.replies()).isEmpty();
    }

    @Test
    void aSocketOverItsMessageRateGetsErrorsAndIsClosedWith1008WhenItKeepsGoing() {
        List<String> flood = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            flood.add("{\"type\":\"cancel\",\"id\":\"nothing-" + i + "\"}");
        }

        WsProbe.Seen seen = WsProbe.talk(socket(), new HttpHeaders(), flood, replies -> false, Duration.ofSeconds(10));

        assertThat(seen.replies()).anyMatch(r -> r.contains("\"code\":\"too_many_messages\""));
        assertThat(seen.replies()).anyMatch(r -> r.contains("\"code\":\"unknown_request\""));
        assertThat(seen.closeStatus()).isNotNull();
        assertThat(seen.closeStatus().getCode()).isEqualTo(1008);
    }

    /**
     * A flooding client is still sending when the gateway closes it. Its late messages must not make the gateway's
     * side answer with a reset: the client's next write would fail, and a client library closes on a failed write
     * before it has read the replies and the close waiting for it (it sees 1006 and no errors).
     */
    @Test
    void aFloodingClientStillSendingAfterTheCloseCanGoOnWritingAndReadsItsErrorsAndThe1008() throws Exception {
        List<String> flood = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            flood.add("{\"type\":\"cancel\",\"id\":\"nothing-" + i + "\"}");
        }
        List<RawWebSocket.Frame> frames;
        try (RawWebSocket ws = RawWebSocket.connect(gateway.port(), "/api/chat/ws?access_token=" + key)) {
            ws.sendTexts(flood);
            for (int late = 0; late < 3; late++) {
                Thread.sleep(150); // the gateway has closed by the first of these; nothing was read yet
                assertThatCode(() -> ws.sendTexts(flood.subList(0, 5))).doesNotThrowAnyException();
            }
            frames = ws.readUntilClose();
            assertThat(ws.readUntilClose()).as("nothing after the close, and the gateway ended its side").isEmpty();
        }

        assertThat(frames).extracting(RawWebSocket.Frame::text)
                .anyMatch(text -> text.contains("\"code\":\"too_many_messages\""))
                .anyMatch(text -> text.contains("\"code\":\"unknown_request\""));
        assertThat(frames).last().satisfies(close -> {
            assertThat(close.opcode()).isEqualTo(RawWebSocket.Frame.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1008);
        });
    }

    private URI socket() {
        return URI.create("ws://127.0.0.1:" + gateway.port() + "/api/chat/ws?access_token=" + key);
    }

    private WebTestClient.ResponseSpec upload(int bytes) {
        byte[] form = new MultipartForm().field("task_type", "chat")
                .file("file", "notes.txt", MediaType.TEXT_PLAIN, "w ".repeat(bytes / 2).getBytes(StandardCharsets.UTF_8))
                .build();
        return http.post().uri("/api/v1/brain/process").contentType(MultipartForm.contentType()).bodyValue(form).exchange();
    }

    /** The text in 1 KB buffers with no Content-Length: sent chunked. */
    private static Flux<DataBuffer> chunked(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<DataBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += 1024) {
            int end = Math.min(bytes.length, i + 1024);
            buffers.add(DefaultDataBufferFactory.sharedInstance.wrap(Arrays.copyOfRange(bytes, i, end)));
        }
        return Flux.fromIterable(buffers);
    }
}
