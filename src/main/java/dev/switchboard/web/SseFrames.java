package dev.switchboard.web;

import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;

/** Writes server-sent-event frames straight to buffers (no intermediate event objects). */
public final class SseFrames {

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

    private SseFrames() {
    }

    /** {@code event: <name>\ndata: <json>\n\n} */
    public static DataBuffer event(DataBufferFactory factory, String name, byte[] json) {
        byte[] head = ("event: " + name + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
        DataBuffer buffer = factory.allocateBuffer(head.length + json.length + 2);
        buffer.write(head);
        buffer.write(json);
        buffer.write((byte) '\n');
        buffer.write((byte) '\n');
        return buffer;
    }

    /** {@code data: <json>\n\n}, the OpenAI framing. */
    public static DataBuffer data(DataBufferFactory factory, byte[] json) {
        DataBuffer buffer = factory.allocateBuffer(json.length + 8);
        buffer.write(DATA);
        buffer.write(json);
        buffer.write((byte) '\n');
        buffer.write((byte) '\n');
        return buffer;
    }

    /**
     * {@code data: <json[0, length)>\n\n} as one array, for a buffer that wraps it; {@code close} writes a
     * {@code }} after the {@code length} bytes (for a JSON object cut short of a member at its end).
     */
    public static byte[] dataFrame(byte[] json, int length, boolean close) {
        int end = DATA.length + length;
        byte[] frame = new byte[end + (close ? 3 : 2)];
        System.arraycopy(DATA, 0, frame, 0, DATA.length);
        System.arraycopy(json, 0, frame, DATA.length, length);
        if (close) {
            frame[end++] = '}';
        }
        frame[end] = '\n';
        frame[end + 1] = '\n';
        return frame;
    }

    /** {@code data: <text>\n\n}, the OpenAI framing. */
    public static DataBuffer data(DataBufferFactory factory, String text) {
        byte[] bytes = ("data: " + text + "\n\n").getBytes(StandardCharsets.UTF_8);
        return factory.wrap(bytes);
    }
}
