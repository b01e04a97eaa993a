package dev.switchboard.providers.sse;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
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
 * <p>One instance holds the state of one stream; {@link #decode} creates one per subscription. Between reads it
 * keeps only the bytes of a line that a read left unfinished (normally none): a read is parsed in a per-thread
 * scratch buffer, so an open stream that waits for its next event holds no line buffer.
 */
public final class SseDecoder {

    private static final List<SseEvent> PULSE_ONLY = List.of(SseEvent.PULSE);
    private static final int FIRST_LINE_CAPACITY = 512;
    private static final byte[] NO_LINE = new byte[0];
    /** The line buffer of the read being parsed on this thread (grown as lines need, never shrunk). */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[FIRST_LINE_CAPACITY]);

    private final int maxLineBytes;
    /** The longest line: {@code maxLineBytes}, but never below the first capacity of the line buffer. */
    private final int lineLimit;
    /** The current line's bytes: the thread's scratch buffer during {@link #feed}, else what is left over. */
    private byte[] line = NO_LINE;
    private int lineLength;
    private boolean afterCr;
    private boolean firstLine = true;
    private String eventType;
    private StringBuilder data;

    public SseDecoder(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
        this.lineLimit = Math.max(FIRST_LINE_CAPACITY, maxLineBytes);
    }

    /** Decodes a body; the buffers are released here. */
    public static Flux<SseEvent> decode(Flux<DataBuffer> body, int maxLineBytes) {
        return Flux.defer(() -> {
            SseDecoder decoder = new SseDecoder(maxLineBytes);
            // prefetch 1: one read in flight is enough (the body's receiver queues the rest), and the default
            // prefetch (32) costs a queue of about 570 bytes for every open stream
            return body.concatMapIterable(decoder::feedAndRelease, 1);
        });
    }

    private List<SseEvent> feedAndRelease(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return feed(bytes, 0, bytes.length);
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /** Feeds one read and returns the events it completed, or a single pulse when it completed none. */
    public List<SseEvent> feed(byte[] bytes, int offset, int length) {
        byte[] scratch = SCRATCH.get();
        if (scratch.length < lineLength) {
            scratch = new byte[Math.min(lineLimit, Integer.highestOneBit(lineLength - 1) << 1)];
        }
        System.arraycopy(line, 0, scratch, 0, lineLength);
        line = scratch;
        try {
            return feedLines(bytes, offset, length);
        } finally {
            // the scratch buffer (maybe grown) stays with the thread; the stream keeps only an unfinished line
            SCRATCH.set(line);
            line = lineLength == 0 ? NO_LINE : Arrays.copyOf(line, lineLength);
        }
    }

    private List<SseEvent> feedLines(byte[] bytes, int offset, int length) {
        List<SseEvent> out = null;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (b == '\n' && afterCr) {
                afterCr = false;
                continue;
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
        return out == null ? PULSE_ONLY : out;
    }

    private void append(byte b) {
        if (lineLength >= lineLimit) {
            throw UpstreamException.of(ErrorClass.SERVER_ERROR,
                    "upstream stream line exceeds " + maxLineBytes + " bytes");
        }
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, Math.min(lineLimit, line.length * 2));
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
