package dev.switchboard.resume;

/**
 * The events one stream keeps, in order and without gaps: a ring of byte arrays whose sequence numbers follow
 * from their place, so a kept event costs its bytes and one array slot. Not thread-safe (its stream locks).
 */
final class FrameLog {

    private static final byte[][] NONE = new byte[0][];
    private static final int FIRST_CAPACITY = 8;

    private byte[][] slots = NONE;
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

    /** Appends the next event and returns its sequence number. */
    long append(byte[] frame) {
        if (size == slots.length) {
            resize(Math.max(FIRST_CAPACITY, slots.length * 2));
        }
        slots[(head + size) & (slots.length - 1)] = frame;
        size++;
        return last();
    }

    /** A kept event; {@code seq} must be within {@link #first()}..{@link #last()}. */
    byte[] get(long seq) {
        if (seq < first || seq > last()) {
            throw new IndexOutOfBoundsException("event " + seq + " is not kept (" + first + ".." + last() + ")");
        }
        return slots[(int) ((head + (seq - first)) & (slots.length - 1))];
    }

    /** Forgets the oldest kept event and returns it. */
    byte[] dropFirst() {
        byte[] frame = slots[head];
        slots[head] = null;
        head = (head + 1) & (slots.length - 1);
        size--;
        first++;
        if (slots.length > FIRST_CAPACITY * 4 && size < slots.length / 4) {
            resize(slots.length / 2);
        }
        return frame;
    }

    /** Forgets every kept event; the numbering goes on. */
    void clear() {
        first += size;
        slots = NONE;
        head = 0;
        size = 0;
    }

    private void resize(int capacity) {
        byte[][] next = new byte[capacity][];
        for (int i = 0; i < size; i++) {
            next[i] = slots[(head + i) & (slots.length - 1)];
        }
        slots = next;
        head = 0;
    }
}
