package dev.switchboard.resume;

import java.util.Arrays;

/**
 * The events one stream keeps, in order and without gaps, packed into one byte buffer: the events' bytes one
 * after the other, and a ring of where each ends. Sequence numbers follow from the place in the ring. A kept
 * event thus costs its bytes and four more, instead of an array of its own (16 bytes of header, padding and a
 * slot); {@link #get} copies an event out. Not thread-safe (its stream locks).
 */
final class FrameLog {

    private static final byte[] NO_BYTES = new byte[0];
    private static final int[] NO_ENDS = new int[0];
    private static final int FIRST_ENDS = 8;
    private static final int FIRST_BYTES = 256;
    /** A buffer this large is shrunk once the kept events fill less than a quarter of it. */
    private static final int SHRINK_ABOVE = 8192;

    /** The kept events' bytes: from {@link #from} (the oldest's first byte) to {@link #to} (past the newest). */
    private byte[] bytes = NO_BYTES;
    private int from;
    private int to;
    /** Ring of the kept events' end offsets in {@link #bytes}, oldest at {@link #head}. */
    private int[] ends = NO_ENDS;
    private int head;
    private int size;
    private long first = 1;

    /** The sequence number of the oldest kept event (one past {@link #last()} when none is kept). */
    long first() {
        return first;
    }

    /** The sequence number of the newest event ever appended, 0 before the first. */
    long last() {
        return first + size - 1;
    }

    int size() {
        return size;
    }

    /** Appends the next event (its bytes are copied) and returns its sequence number. */
    long append(byte[] frame) {
        makeRoom(frame.length);
        System.arraycopy(frame, 0, bytes, to, frame.length);
        to += frame.length;
        if (size == ends.length) {
            resizeEnds(Math.max(FIRST_ENDS, ends.length * 2));
        }
        ends[(head + size) & (ends.length - 1)] = to;
        size++;
        return last();
    }

    /** A copy of a kept event; {@code seq} must be within {@link #first()}..{@link #last()}. */
    byte[] get(long seq) {
        int index = index(seq);
        return Arrays.copyOfRange(bytes, start(index), end(index));
    }

    /** The length of a kept event; {@code seq} must be within {@link #first()}..{@link #last()}. */
    int length(long seq) {
        int index = index(seq);
        return end(index) - start(index);
    }

    /** Forgets the oldest kept event and returns its length. */
    int dropFirst() {
        int end = ends[head];
        int length = end - from;
        from = end;
        head = (head + 1) & (ends.length - 1);
        size--;
        first++;
        if (size == 0) {
            from = 0;
            to = 0;
        }
        if (ends.length > FIRST_ENDS * 4 && size < ends.length / 4) {
            resizeEnds(ends.length / 2);
        }
        if (bytes.length > SHRINK_ABOVE && to - from < bytes.length / 4) {
            moveTo(new byte[Math.max(FIRST_BYTES, (to - from) * 2)]);
        }
        return length;
    }

    /** Forgets every kept event; the numbering goes on. */
    void clear() {
        first += size;
        bytes = NO_BYTES;
        ends = NO_ENDS;
        from = 0;
        to = 0;
        head = 0;
        size = 0;
    }

    private int index(long seq) {
        if (seq < first || seq > last()) {
            throw new IndexOutOfBoundsException("event " + seq + " is not kept (" + first + ".." + last() + ")");
        }
        return (int) (seq - first);
    }

    /** Where the {@code index}-th kept event (0: the oldest) starts. */
    private int start(int index) {
        return index == 0 ? from : ends[(head + index - 1) & (ends.length - 1)];
    }

    private int end(int index) {
        return ends[(head + index) & (ends.length - 1)];
    }

    /** Makes room for {@code length} more bytes after {@link #to}: moves the kept bytes to the front, or grows. */
    private void makeRoom(int length) {
        if (to + length <= bytes.length) {
            return;
        }
        int kept = to - from;
        int needed = kept + length;
        if (needed <= bytes.length && from >= bytes.length / 4) {
            moveTo(bytes);
        } else {
            moveTo(new byte[Math.max(needed, Math.max(FIRST_BYTES, bytes.length + (bytes.length >> 1)))]);
        }
    }

    /** Moves the kept bytes to the start of {@code target} (which may be the buffer itself). */
    private void moveTo(byte[] target) {
        int shift = from;
        System.arraycopy(bytes, from, target, 0, to - from);
        for (int i = 0; i < size; i++) {
            ends[(head + i) & (ends.length - 1)] -= shift;
        }
        bytes = target;
        from = 0;
        to -= shift;
    }

    private void resizeEnds(int capacity) {
        int[] next = new int[capacity];
        for (int i = 0; i < size; i++) {
            next[i] = ends[(head + i) & (ends.length - 1)];
        }
        ends = next;
        head = 0;
    }
}
