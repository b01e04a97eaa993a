package dev.switchboard.providers;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Counts the bytes of every upstream response body and fails it once it passes the cap, so a provider
 * (or anything pretending to be one) that streams without end, or floods garbage that never forms an
 * event, is cut off instead of read forever. The failure is a {@code server_error} attempt: before the
 * first chunk it falls back, after it the client gets a {@code stream_interrupted} error naming the cap.
 */
public final class UpstreamBodyLimit {

    private UpstreamBodyLimit() {
    }

    public static ExchangeFilterFunction of(long maxBytes) {
        return ExchangeFilterFunction.ofResponseProcessor(response -> Mono.just(limited(response, maxBytes)));
    }

    private static ClientResponse limited(ClientResponse response, long maxBytes) {
        return response.mutate().body(body -> count(body, maxBytes)).build();
    }

    static Flux<DataBuffer> count(Flux<DataBuffer> body, long maxBytes) {
        return Flux.defer(() -> {
            long[] read = new long[1];
            // map, not handle: with context-propagation on the class path (Micrometer Tracing brings it), Reactor
            // restores thread locals around every handle call, for every buffer (docs/PERFORMANCE.md, "Tracing")
            return body.map(buffer -> {
                read[0] += buffer.readableByteCount();
                if (read[0] > maxBytes) {
                    DataBufferUtils.release(buffer);
                    throw UpstreamException.of(ErrorClass.SERVER_ERROR,
                            "upstream response exceeded " + maxBytes + " bytes and was cut off");
                }
                return buffer;
            });
        });
    }
}
