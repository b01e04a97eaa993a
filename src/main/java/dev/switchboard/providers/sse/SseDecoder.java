package dev.switchboard.providers.sse;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.support.FlattenLists;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * A server-sent-events decoder that is correct under any TCP fragmentation.
 *
 * <p>Bytes are collected per line and kept as bytes: an event's data is the UTF-8 it came in
 * ({@link SseEvent#dataBytes}), so a multi-byte character split across reads is never mangled and a relayed
 * event is never decoded and encoded again. Lines end at {@code \n}, {@code \r\n} or a lone {@code \r}, also
 * when the {@code \r} and {@code \n} arrive in different reads. A read is scanned for line ends and copied a
 * line at a time, not byte by byte. Comment lines and reads that complete no event yield {@link SseEvent#PULSE}.
 * An event without its terminating blank line at end of input is dropped, as the WHATWG algorithm and the
 * providers' SDKs do. A line longer than the limit, or an event whose data lines add up to more than it, fails
 * the stream instead of buffering without bound.
 *
 * <p>One instance holds the state of one stream; {@link #reads} creates one per subscription.
 */
public final class SseDecoder {

    private static final List<SseEvent> PULSE_ONLY = List.of(SseEvent.PULSE);

    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
    /** What a thread's line buffer starts with, and the most it keeps between reads once a long line grew it. */
    private static final int SCRATCH_BYTES = 512;
    private static final int MAX_KEPT_SCRATCH_BYTES = 64 * 1024;
    /**
     * The line buffer a read is parsed in, one per thread: a read is fed in one call on one thread, so an open
     * stream keeps only the bytes of a line a read left unfinished ({@link #unfinished}), normally none, instead
     * of a buffer of its own (512 bytes for every open stream, more once a long line grew it).
     */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[SCRATCH_BYTES];
        }
    };
    /** A direct buffer's bytes are copied here, one read at a time, to be scanned as an array. */
    private static final FastThreadLocal<byte[]> READ = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[SCRATCH_BYTES];
        }
    };

    private final int maxLineBytes;
    /** The thread's line buffer while a read is fed; null between reads. */
    private byte @Nullable [] line;
    private int lineLength;
    /** The start of a line the last read ended in the middle of; null when it ended on a line break. */
    private byte @Nullable [] unfinished;
    private boolean afterCr;
    private boolean firstLine = true;
    private @Nullable String eventType;
    /** The event's data while it has one line (the usual case); {@link #moreData} once it has more. */
    private byte @Nullable [] data;
    private byte @Nullable [] moreData;
    private int moreDataLength;
    /** The events completed by the read being fed, null while there are none. */
    private List<SseEvent> out;

    public SseDecoder(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Decodes a body of Reactor Netty buffers, one element a read: the events it completed, or a single
     * {@link SseEvent#PULSE}. Each buffer is read in the {@code onNext} that delivers it and stays the source's
     * to release (Reactor Netty releases a received buffer once that {@code onNext} returns), so nothing here
     * holds a buffer past its read. The adapters map a read's events in one step
     * ({@link EndMarker#mapThrough}), so no operator flattens them first.
     */
    public static Flux<List<SseEvent>> reads(Flux<ByteBuf> body, int maxLineBytes) {
        return Flux.defer(() -> body.map(new SseDecoder(maxLineBytes)::feed));
    }

    /**
     * What one read's events map to, in order: {@code map}'s list itself for the usual read of one event, else
     * the lists joined.
     */
    public static <T> List<T> mapRead(List<SseEvent> read, Function<SseEvent, List<T>> map) {
        if (read.size() == 1) {
            return map.apply(read.get(0));
        }
        List<T> out = new ArrayList<>();
        for (SseEvent event : read) {
            out.addAll(map.apply(event));
        }
        return out;
    }

    /** As {@link #reads}, one event an element. */
    public static Flux<SseEvent> decode(Flux<ByteBuf> body, int maxLineBytes) {
        // a few reads ahead, and a queue for them only when the subscriber falls behind (FlattenLists)
        return FlattenLists.of(reads(body, maxLineBytes), events -> events);
    }

    /**
     * Feeds one buffer (not kept: an array-backed one is read in place, a direct one copied once into the
     * thread's read buffer) and returns the events it completed, or a single pulse.
     */
    public List<SseEvent> feed(ByteBuf buffer) {
        int length = buffer.readableBytes();
        if (buffer.hasArray()) {
            return feed(buffer.array(), buffer.arrayOffset() + buffer.readerIndex(), length);
        }
        byte[] read = READ.get();
        if (read.length < length) {
            read = new byte[Math.max(length, read.length * 2)];
            if (read.length <= MAX_KEPT_SCRATCH_BYTES) {
                READ.set(read);
            }
        }
        buffer.getBytes(buffer.readerIndex(), read, 0, length);
        return feed(read, 0, length);
    }

    /** Feeds one read and returns the events it completed, or a single pulse when it completed none. */
    public List<SseEvent> feed(byte[] bytes, int offset, int length) {
        startRead();
        try {
            int i = offset;
            int end = offset + length;
            while (i < end) {
                if (afterCr) {
                    afterCr = false;
                    if (bytes[i] == '\n') {
                        i++;
                        continue;
                    }
                }
                int eol = lineEnd(bytes, i, end);
                append(bytes, i, eol - i);
                if (eol == end) {
                    break;
                }
                afterCr = bytes[eol] == '\r';
                SseEvent event = endLine();
                if (event != null) {
                    if (out == null) {
                        out = new ArrayList<>(2);
                    }
                    out.add(event);
                }
                i = eol + 1;
            }
        } finally {
            endRead();
        }
        return completed();
    }

    /** The index of the first {@code \r} or {@code \n} in {@code bytes[from, end)}, or {@code end}. */
    private static int lineEnd(byte[] bytes, int from, int end) {
        for (int i = from; i < end; i++) {
            byte b = bytes[i];
            if (b == '\n' || b == '\r') {
                return i;
            }
        }
        return end;
    }

    /** Takes the thread's line buffer, with the unfinished line of the last read in front. */
    private void startRead() {
        byte[] scratch = SCRATCH.get();
        if (unfinished != null) {
            if (scratch.length < unfinished.length) {
                scratch = new byte[unfinished.length * 2];
            }
            System.arraycopy(unfinished, 0, scratch, 0, unfinished.length);
            lineLength = unfinished.length;
            unfinished = null;
        }
        line = scratch;
    }

    /** Keeps what the read left of an unfinished line, and gives the line buffer back to the thread. */
    private void endRead() {
        byte[] scratch = line;
        line = null;
        if (lineLength > 0) {
            unfinished = Arrays.copyOf(scratch, lineLength);
            lineLength = 0;
        }
        SCRATCH.set(scratch.length <= MAX_KEPT_SCRATCH_BYTES ? scratch : new byte[SCRATCH_BYTES]);
    }

    private List<SseEvent> completed() {
        List<SseEvent> out = this.out;
        this.out = null;
        return out == null ? PULSE_ONLY : out;
    }

    /** Appends {@code length} bytes of a line, against the limit itself (the thread's buffer may be larger). */
    private void append(byte[] bytes, int from, int length) {
        if (length == 0) {
            return;
        }
        if (lineLength + length > maxLineBytes) {
            throw UpstreamException.of(ErrorClass.SERVER_ERROR,
                    "upstream stream line exceeds " + maxLineBytes + " bytes");
        }
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.max(lineLength + length, Math.min(maxLineBytes, line.length * 2)));
        }
        System.arraycopy(bytes, from, line, lineLength, length);
        lineLength += length;
    }

    /** Processes the completed line; returns an event when the line was the blank dispatch line. */
    private @Nullable SseEvent endLine() {
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
        int fieldEnd = colon < 0 ? start + length : colon;
        boolean isData = is(DATA, line, start, fieldEnd);
        if (!isData && !is(EVENT, line, start, fieldEnd)) {
            return null; // id, retry and unknown fields: nothing the gateway uses
        }
        int valueStart = start + length;
        if (colon >= 0) {
            valueStart = colon + 1;
            if (valueStart < start + length && line[valueStart] == ' ') {
                valueStart++;
            }
        }
        int valueEnd = start + length;
        if (!isData) {
            eventType = new String(line, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8);
        } else if (data == null && moreData == null) {
            data = Arrays.copyOfRange(line, valueStart, valueEnd);
        } else {
            moreData(valueStart, valueEnd);
        }
        return null;
    }

    /** Another data line of the event: joined to the ones before with {@code \n}. */
    private void moreData(int valueStart, int valueEnd) {
        int valueLength = valueEnd - valueStart;
        if (moreData == null) {
            moreData = Arrays.copyOf(data, Math.max(64, 2 * (data.length + 1 + valueLength)));
            moreDataLength = data.length;
            data = null;
        }
        if (moreDataLength + 1L + valueLength > maxLineBytes) {
            // many data lines without the blank line that ends the event would otherwise pile up
            throw UpstreamException.of(ErrorClass.SERVER_ERROR,
                    "upstream stream event exceeds " + maxLineBytes + " bytes");
        }
        if (moreDataLength + 1 + valueLength > moreData.length) {
            moreData = Arrays.copyOf(moreData, Math.max(moreDataLength + 1 + valueLength, moreData.length * 2));
        }
        moreData[moreDataLength++] = '\n';
        System.arraycopy(line, valueStart, moreData, moreDataLength, valueLength);
        moreDataLength += valueLength;
    }

    /** Whether {@code line[from, to)} is the field name {@code name}. */
    private static boolean is(byte[] name, byte[] line, int from, int to) {
        return Arrays.equals(name, 0, name.length, line, from, to);
    }

    private @Nullable SseEvent dispatch() {
        byte[] bytes = moreData != null ? Arrays.copyOf(moreData, moreDataLength) : data;
        data = null;
        moreData = null;
        moreDataLength = 0;
        String type = eventType;
        eventType = null;
        return bytes == null ? null : new SseEvent(type == null || type.isEmpty() ? "message" : type, bytes);
    }
}
