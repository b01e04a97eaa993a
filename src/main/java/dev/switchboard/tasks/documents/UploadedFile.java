package dev.switchboard.tasks.documents;

import org.jspecify.annotations.Nullable;

/**
 * A file as uploaded: its name, the content type its part declared, and its bytes (already bounded by
 * {@code switchboard.tasks.max-file-size} while reading).
 */
public record UploadedFile(String fileName, @Nullable String contentType, byte[] bytes) {

    public int size() {
        return bytes.length;
    }
}
