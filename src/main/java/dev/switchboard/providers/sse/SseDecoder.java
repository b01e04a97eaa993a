package dev.switchboard.providers.sse;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import reactor.core.publisher.Flux;

/**
 * A server-sent-events decoder that is correct under any TCP fragmentation.
 *
 * <p>Bytes are collected per line and decoded as UTF-8 only once a line is complete, so a multi-byte
 * character split across reads is never mangled. Lines end at {@code \n}, {@code \r\n} or a lone
 * {@code \r}, also when the {@code \r} and {@code \n} arrive in different reads. Comment lines and
 * reads that complete no event yield {@link SseEvent#PULSE}. An event without its terminating blank
 * line at end of input is dropped, as the WHATWG algorithm and the providers' SDKs do. A line longer
 * than the limit, or an event whose data lines add up to more than it, fails the stream instead of
 * buffering without bound.
 *
 * <p>One instance holds the state of one stream; {@link #decode} creates one per subscription.
 */
public final class SseDecoder {

    private static final List<SseEvent> PULSE_ONLY = List.of(SseEvent.PULSE);

    private final int maxLineBytes;
    private byte[] line = new byte[512];
    private int lineLength;
    private boolean afterCr;
    private boolean firstLine = true;
    private String eventType;
    private StringBuilder data;
    /** The events completed by the read being fed, null while there are none. */
    private List<SseEvent> out;
    private final ByteProcessor reader = b -> {
        accept(b);
        return true;
    };

    public SseDecoder(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Decodes a body of Reactor Netty buffers. Each buffer is read in the {@code onNext} that delivers it and
     * stays the source's to release (Reactor Netty releases a received buffer once that {@code onNext}
     * returns), so nothing here holds a buffer past its read.
     */
    public static Flux<SseEvent> decode(Flux<ByteBuf> body, int maxLineBytes) {
        return Flux.defer(() -> {
            SseDecoder decoder = new SseDecoder(maxLineBytes);
            // map first: the read happens before the buffer is released; the events are queued, not the buffer.
            // Prefetch 1: one read's events in flight are enough, and the default (32) costs a queue of about
            // 570 bytes for every open stream
            return body.map(decoder::feed).concatMapIterable(events -> events, 1);
        });
    }

    /** Feeds one buffer (read in place, not copied) and returns the events it completed, or a single pulse. */
    public List<SseEvent> feed(ByteBuf buffer) {
        buffer.forEachByte(buffer.readerIndex(), buffer.readableBytes(), reader);
        return completed();
    }

    /** Feeds one read and returns the events it completed, or a single pulse when it completed none. */
    public List<SseEvent> feed(byte[] bytes, int offset, int length) {
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            accept(bytes[i]);
        }
        return completed();
    }

    private List<SseEvent> completed() {
        List<SseEvent> out = this.out;
        this.out = null;
        return out == null ? PULSE_ONLY : out;
    }

    private void accept(byte b) {
        if (b == '\n' && afterCr) {
            afterCr = false;
            return;
        }
        afterCr = false;
        if (b == '\n' || b == '\r') {
            afterCr = b == '\r';
            SseEvent event = endLine();
            if (event != null) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(event);
            }
        } else {
            append(b);
        }
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            if (lineLength >= maxLineBytes) {
                throw UpstreamException.of(ErrorClass.SERVER_ERROR,
                        "upstream stream line exceeds " + maxLineBytes + " bytes");
            }
            line = Arrays.copyOf(line, Math.min(maxLineBytes, line.length * 2));
        }
        line[lineLength++] = b;
    }

    /** Processes the completed line; returns an event when the line was the blank dispatch line. */
    private SseEvent endLine() {
        int start = 0;
        if (firstLine) {
            firstLine = false;
            if (lineLength >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
                start = 3;
            }
        }
        int length = lineLength - start;
        lineLength = 0;
        if (length == 0) {
            return dispatch();
        }
        if (line[start] == ':') {
            return null;
        }
        int colon = -1;
        for (int i = start; i < start + length; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        String field;
        String value;
        if (colon < 0) {
            field = new String(line, start, length, StandardCharsets.UTF_8);
            value = "";
        } else {
            field = new String(line, start, colon - start, StandardCharsets.US_ASCII);
            int valueStart = colon + 1;
            if (valueStart < start + length && line[valueStart] == ' ') {
                valueStart++;
            }
            value = new String(line, valueStart, start + length - valueStart, StandardCharsets.UTF_8);
        }
        if ("data".equals(field)) {
            if (data == null) {
                data = new StringBuilder(value);
            } else {
                if (data.length() + 1L + value.length() > maxLineBytes) {
                    // many data lines without the blank line that ends the event would otherwise pile up
                    throw UpstreamException.of(ErrorClass.SERVER_ERROR,
                            "upstream stream event exceeds " + maxLineBytes + " characters");
                }
                data.append('\n').append(value);
            }
        } else if ("event".equals(field)) {
            eventType = value;
        }
        return null;
    }

    private SseEvent dispatch() {
        if (data == null) {
            eventType = null;
            return null;
        }
        SseEvent event = new SseEvent(eventType == null || eventType.isEmpty() ? "message" : eventType,
                data.toString());
        data = null;
        eventType = null;
        return event;
    }
}
