package dev.switchboard.web;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The one setup of a server-sent-events answer: {@code text/event-stream}, not cached, and not buffered
 * by a proxy in front ({@code X-Accel-Buffering: no}, which nginx honours), so every frame reaches the
 * client as it is written. WebFlux commits the status and headers only with the first frame, so a stream
 * that fails before its first frame still becomes a plain JSON error.
 *
 * <p>The headers go straight onto the response (as {@link JsonAnswer} does): WebFlux keeps the
 * {@code ServerResponse} for as long as its body is written, so headers set on the builder would stay on the
 * heap, in a map of their own, for the whole life of every open stream.
 */
public final class SseResponse {

    private SseResponse() {
    }

    /** The most frames that waited for a write are joined into (a larger frame still goes whole). */
    static final int MAX_BATCH_BYTES = 32 * 1024;

    /**
     * An answer of frames as they are made: the frames that came while the last write was in flight go out as one
     * write ({@link WaitingBuffers}), not one write and flush each.
     */
    public static Mono<ServerResponse> of(Flux<DataBuffer> frames) {
        return write(frames, true);
    }

    /** An answer whose frames come batched already (a resumable stream's connection joins what waited itself). */
    public static Mono<ServerResponse> ofBatches(Flux<DataBuffer> batches) {
        return write(batches, false);
    }

    private static Mono<ServerResponse> write(Flux<DataBuffer> frames, boolean join) {
        return ServerResponse.ok().build((exchange, context) -> {
            ServerHttpResponse response = exchange.getResponse();
            HttpHeaders headers = response.getHeaders();
            headers.setContentType(MediaType.TEXT_EVENT_STREAM);
            headers.set(HttpHeaders.CACHE_CONTROL, "no-cache");
            headers.set("X-Accel-Buffering", "no");
            return response.writeWith(join
                    ? WaitingBuffers.joined(frames, response.bufferFactory(), MAX_BATCH_BYTES) : frames);
        });
    }
}
