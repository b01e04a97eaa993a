package dev.switchboard.web;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The one setup of a server-sent-events answer: {@code text/event-stream}, not cached, and not buffered
 * by a proxy in front ({@code X-Accel-Buffering: no}, which nginx honours), so every frame reaches the
 * client as it is written. WebFlux commits the status and headers only with the first frame, so a stream
 * that fails before its first frame still becomes a plain JSON error.
 */
public final class SseResponse {

    private SseResponse() {
    }

    public static Mono<ServerResponse> of(Flux<DataBuffer> frames) {
        return ServerResponse.ok()
                .contentType(MediaType.TEXT_EVENT_STREAM)
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .body(BodyInserters.fromDataBuffers(frames));
    }
}
