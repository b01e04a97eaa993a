package dev.switchboard.testsupport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;

/**
 * A multipart/form-data body written by hand with a fixed boundary, as curl {@code -F} sends it. (Spring's
 * multipart writer draws its boundary from SecureRandom on the event loop, which BlockHound rejects.)
 */
public final class MultipartForm {

    private static final String BOUNDARY = "switchboard-test-boundary-7d2f";

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    public static MediaType contentType() {
        return MediaType.parseMediaType("multipart/form-data; boundary=" + BOUNDARY);
    }

    public MultipartForm field(String name, String value) {
        write("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
        write(value);
        write("\r\n");
        return this;
    }

    public MultipartForm file(String name, String fileName, MediaType type, byte[] bytes) {
        write("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName
                + "\"\r\nContent-Type: " + type + "\r\n\r\n");
        body.writeBytes(bytes);
        write("\r\n");
        return this;
    }

    public byte[] build() {
        write("--" + BOUNDARY + "--\r\n");
        return body.toByteArray();
    }

    private void write(String s) {
        body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
