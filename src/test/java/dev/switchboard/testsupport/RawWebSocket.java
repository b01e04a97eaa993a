package dev.switchboard.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A WebSocket client on a plain socket, for tests that need what a library client hides: when bytes are
 * sent, and when the socket is read. Frames it sends are masked with a zero key (their payload unchanged);
 * frames it reads are the server's unmasked ones. One thread, blocking, with a read timeout.
 */
public final class RawWebSocket implements AutoCloseable {

    /** A frame the server sent: its opcode and payload. */
    public record Frame(int opcode, byte[] payload) {

        public static final int TEXT = 0x1;
        public static final int CLOSE = 0x8;

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** A close frame's status code (RFC 6455 5.5.1), or -1 when it has none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens the socket and completes the handshake for {@code pathAndQuery}; fails unless the server answers 101. */
    public static RawWebSocket connect(int port, String pathAndQuery) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        RawWebSocket ws = new RawWebSocket(socket);
        ws.out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        ws.out.flush();
        String head = ws.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("handshake refused: " + head);
        }
        return ws;
    }

    /** Sends the texts as frames in one write (one TCP segment or a few, back to back). */
    public void sendTexts(List<String> texts) throws IOException {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (String text : texts) {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            frames.write(0x80 | Frame.TEXT);
            if (payload.length < 126) {
                frames.write(0x80 | payload.length);
            } else {
                frames.write(0x80 | 126);
                frames.write(payload.length >>> 8);
                frames.write(payload.length & 0xff);
            }
            frames.write(new byte[4]);
            frames.write(payload);
        }
        out.write(frames.toByteArray());
        out.flush();
    }

    /** Every frame up to and with the server's close frame; stops early, without failing, at the end of the stream. */
    public List<Frame> readUntilClose() throws IOException {
        List<Frame> frames = new ArrayList<>();
        while (true) {
            Frame frame;
            try {
                frame = readFrame();
            } catch (EOFException end) {
                return frames;
            }
            frames.add(frame);
            if (frame.opcode() == Frame.CLOSE) {
                return frames;
            }
        }
    }

    private Frame readFrame() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return new Frame(first & 0x0f, payload);
    }

    private String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        return head.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
