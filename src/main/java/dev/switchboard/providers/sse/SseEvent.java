package dev.switchboard.providers.sse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One dispatched server-sent event, or a pulse.
 *
 * <p>The data is kept as the UTF-8 bytes it came in ({@link #dataBytes}), so a relayed event is parsed and
 * written back without being decoded to a {@code String} and encoded again; {@link #data} decodes it once,
 * when asked.
 */
public final class SseEvent {

    private static final byte[] NO_BYTES = {};

    /**
     * Bytes arrived (a comment, a keep-alive line, part of an event) but nothing was dispatched. It
     * lets the idle timer see that the connection is alive.
     */
    public static final SseEvent PULSE = new SseEvent("", NO_BYTES);

    private final String event;
    private final byte[] data;
    /** The data decoded, once someone asked (a race decodes it twice, to the same string). */
    private @Nullable String text;

    /**
     * @param event the {@code event:} field, {@code message} when absent
     * @param data all {@code data:} lines joined with {@code \n}
     */
    public SseEvent(String event, String data) {
        this(event, data.getBytes(StandardCharsets.UTF_8));
        this.text = data;
    }

    /** @param data all {@code data:} lines joined with {@code \n}, as UTF-8; owned by the event from now on */
    public SseEvent(String event, byte[] data) {
        this.event = event;
        this.data = data;
    }

    public String event() {
        return event;
    }

    public String data() {
        String decoded = text;
        if (decoded == null) {
            decoded = new String(data, StandardCharsets.UTF_8);
            text = decoded;
        }
        return decoded;
    }

    /** The data's UTF-8 bytes: the event's own array, to read, never to change. */
    public byte[] dataBytes() {
        return data;
    }

    /** Whether the data starts with {@code prefix} (ASCII), without decoding it. */
    public boolean dataStartsWith(byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }

    public boolean isPulse() {
        return this == PULSE;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SseEvent that && event.equals(that.event) && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * event.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "SseEvent[event=" + event + ", data=" + data() + "]";
    }
}
