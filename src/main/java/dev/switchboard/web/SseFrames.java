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

    /** {@code data: <text>\n\n}, the OpenAI framing. */
    public static DataBuffer data(DataBufferFactory factory, String text) {
        byte[] bytes = ("data: " + text + "\n\n").getBytes(StandardCharsets.UTF_8);
        return factory.wrap(bytes);
    }
}
