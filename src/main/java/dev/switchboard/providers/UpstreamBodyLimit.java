package dev.switchboard.providers;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The caps on upstream response bodies, which are untrusted. {@link #count} fails every body, streamed or
 * not, once it passes {@code switchboard.routing.max-stream-bytes}, so a provider (or anything pretending to
 * be one) that streams without end, or floods garbage that never forms an event, is cut off instead of read
 * forever. {@link #bytes} reads a whole body into memory, up to {@link #MAX_IN_MEMORY_BYTES}. Either failure
 * is a {@code server_error} attempt: before the first chunk it falls back, after it the client gets a
 * {@code stream_interrupted} error naming the cap.
 *
 * <p>The buffers are Reactor Netty's: it releases each one once the {@code onNext} that delivered it returns,
 * so both steps read a buffer where it arrives and never keep or release it.
 */
public final class UpstreamBodyLimit {

    /** Largest non-streamed upstream body read into memory; bigger ones fail the attempt. */
    public static final int MAX_IN_MEMORY_BYTES = 4 * 1024 * 1024;

    private static final byte[] EMPTY = new byte[0];

    private UpstreamBodyLimit() {
    }

    /** {@code body} failing once more than {@code maxBytes} have passed; each subscription counts from zero. */
    public static Flux<ByteBuf> count(Flux<ByteBuf> body, long maxBytes) {
        return Flux.defer(() -> {
            long[] read = new long[1];
            // map, not handle: with context-propagation on the class path (Micrometer Tracing brings it), Reactor
            // restores thread locals around every handle call, for every buffer (docs/PERFORMANCE.md, "Tracing")
            return body.map(buffer -> {
                read[0] += buffer.readableBytes();
                if (read[0] > maxBytes) {
                    throw UpstreamException.of(ErrorClass.SERVER_ERROR,
                            "upstream response exceeded " + maxBytes + " bytes and was cut off");
                }
                return buffer;
            });
        });
    }

    /**
     * The whole body as one array, copied out of each buffer as it arrives, or empty for an empty body; a body
     * larger than {@link #MAX_IN_MEMORY_BYTES} fails with "upstream response exceeds the size limit".
     *
     * @param sizeHint the announced length ({@code content-length}), or a negative number when unknown
     */
    public static Mono<byte[]> bytes(Flux<ByteBuf> body, long sizeHint) {
        // filter and map, not mapNotNull: mapNotNull is a handle, and a handle restores the request's thread locals
        // (its observation's scope) around the call once context-propagation is on the class path, about 0.7 µs
        return body.collect(() -> new Bytes(sizeHint), Bytes::add).filter(Bytes::hasAny).map(Bytes::toArray);
    }

    /** A growing array; one per body. */
    private static final class Bytes {

        private byte[] bytes;
        private int length;

        Bytes(long sizeHint) {
            this.bytes = sizeHint > 0 && sizeHint <= MAX_IN_MEMORY_BYTES ? new byte[(int) sizeHint] : EMPTY;
        }

        void add(ByteBuf buffer) {
            int readable = buffer.readableBytes();
            if ((long) length + readable > MAX_IN_MEMORY_BYTES) {
                throw UpstreamException.of(ErrorClass.SERVER_ERROR, "upstream response exceeds the size limit");
            }
            if (length + readable > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.min(MAX_IN_MEMORY_BYTES, Math.max(length + readable, bytes.length * 2)));
            }
            buffer.getBytes(buffer.readerIndex(), bytes, length, readable);
            length += readable;
        }

        boolean hasAny() {
            return length > 0;
        }

        byte[] toArray() {
            return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
        }
    }
}
