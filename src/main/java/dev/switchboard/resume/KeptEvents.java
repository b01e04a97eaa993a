package dev.switchboard.resume;

import java.util.ArrayList;
import java.util.List;

/**
 * The events one {@link ResumableStream} keeps, and where its client is in them: the pending part (not yet
 * written to a connection) and the replay window (written, and kept because a connection that broke may
 * have lost the last few in flight), each with its byte count, so the stream can bound what it keeps. Not
 * thread-safe: its stream's lock guards it.
 */
final class KeptEvents {

    /** The batch bound that makes every event a batch of its own, whatever its size. */
    static final int ONE_EVENT = 0;
    /** What a kept event costs besides its bytes: the array's header and its slot in the log. */
    static final int FRAME_OVERHEAD = 24;

    private final FrameLog log = new FrameLog();
    /** The last event written to a connection (the current one, or the last one while the client is away). */
    private long position;
    private long windowBytes;
    private long pendingBytes;

    /** The number of the newest event, 0 before the first. */
    long last() {
        return log.last();
    }

    /** The number of the oldest event still kept. */
    long first() {
        return log.first();
    }

    /** Whether every event so far has been written to a connection. */
    boolean allWritten() {
        return position >= log.last();
    }

    /** Events the source has given that no connection has been written yet. */
    long ahead() {
        return log.last() - position;
    }

    long pendingBytes() {
        return pendingBytes;
    }

    long windowBytes() {
        return windowBytes;
    }

    /** Bytes kept now, payload and per-event overhead. */
    long keptBytes() {
        return windowBytes + pendingBytes;
    }

    /** Keeps the source's next event as pending; returns what it costs. */
    long append(byte[] frame) {
        log.append(frame);
        long cost = cost(frame);
        pendingBytes += cost;
        return cost;
    }

    /** The kept events after {@code after}, for a replay of a finished stream. */
    List<Frame> after(long after) {
        List<Frame> frames = new ArrayList<>();
        for (long seq = after + 1; seq <= log.last(); seq++) {
            frames.add(new Frame(seq, log.get(seq)));
        }
        return frames;
    }

    /**
     * Makes {@code after} the connection's position, moving events between the window and the pending part,
     * then trims the window to {@code window} bytes.
     */
    void moveTo(long after, long window) {
        for (long seq = position; seq > after; seq--) {
            long cost = cost(log.get(seq));
            windowBytes -= cost;
            pendingBytes += cost;
        }
        for (long seq = position + 1; seq <= after; seq++) {
            long cost = cost(log.get(seq));
            pendingBytes -= cost;
            windowBytes += cost;
        }
        position = after;
        trim(window);
    }

    /**
     * The events after the connection's position, up to {@code maxBytes} of them (at least one), moved from
     * the pending part to the replay window, which is then trimmed to {@code window} bytes. There must be one.
     */
    List<Frame> takeBatch(int maxBytes, long window) {
        long seq = position + 1;
        byte[] bytes = log.get(seq);
        long batchBytes = bytes.length;
        Frame first = new Frame(seq, bytes);
        List<Frame> batch = null;
        for (;;) {
            long cost = cost(bytes);
            pendingBytes -= cost;
            windowBytes += cost;
            position = seq;
            if (seq == log.last() || !joins(batchBytes, log.get(seq + 1), maxBytes)) {
                break;
            }
            seq++;
            bytes = log.get(seq);
            batchBytes += bytes.length;
            if (batch == null) {
                batch = new ArrayList<>();
                batch.add(first);
            }
            batch.add(new Frame(seq, bytes));
        }
        trim(window);
        return batch == null ? List.of(first) : batch;
    }

    /** Forgets every event; the numbering goes on. */
    void clear() {
        log.clear();
        windowBytes = 0;
        pendingBytes = 0;
    }

    /** Whether the next event joins a batch of {@code batchBytes} bounded by {@code maxBytes}. */
    static boolean joins(long batchBytes, byte[] next, int maxBytes) {
        return maxBytes != ONE_EVENT && batchBytes + next.length <= maxBytes;
    }

    /** Drops the oldest written events beyond the replay window. */
    private void trim(long window) {
        while (windowBytes > window && log.first() <= position) {
            windowBytes -= cost(log.dropFirst());
        }
    }

    private static long cost(byte[] frame) {
        return frame.length + FRAME_OVERHEAD;
    }
}
