package dev.switchboard.tasks.documents;

import dev.switchboard.chat.GatewayException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The 4xx answers of document reading, worded in one place; each names the file and says what to do. */
final class DocumentErrors {

    private DocumentErrors() {
    }

    static GatewayException empty(String fileName, String why) {
        return GatewayException.badRequest("empty_file", "The file '" + fileName + "' " + why);
    }

    static GatewayException encrypted(String fileName) {
        return new GatewayException(422, "invalid_request_error", "encrypted_file", "The file '" + fileName
                + "' is password-protected; upload a copy without a password.", null);
    }

    static GatewayException unreadable(String fileName, String why) {
        return new GatewayException(422, "invalid_request_error", "unreadable_file", "The file '" + fileName
                + "' could not be read: " + why + ".", null);
    }

    static GatewayException tooLong(String fileName, String size, int max) {
        return new GatewayException(413, "invalid_request_error", "input_too_long", "The text of '" + fileName
                + "' has " + size + " characters; at most " + max + " are accepted.", null);
    }

    static GatewayException tooManyPages(String fileName, int pages, int max) {
        return new GatewayException(413, "invalid_request_error", "too_many_pages", "The PDF '" + fileName + "' has "
                + pages + " pages; at most " + max + " are accepted.", null);
    }

    static GatewayException imageTooLarge(String fileName, String what, long pixels, long max) {
        return new GatewayException(413, "invalid_request_error", "image_too_large", "The " + what + " of '" + fileName
                + "' has " + pixels + " pixels; at most " + max + " are read.", null);
    }

    static GatewayException timedOut(String fileName, Duration limit, String doing) {
        return new GatewayException(422, "invalid_request_error", "extraction_timeout", "Reading the file '" + fileName
                + "' (" + doing + ") took longer than the limit of " + limit.toMillis() / 1000.0
                + " s; send a smaller or simpler file.", null);
    }

    static GatewayException ocrUnavailable(String fileName, String what, String reason) {
        return new GatewayException(422, "invalid_request_error", "ocr_unavailable", "The file '" + fileName + "' "
                + what + ", which needs OCR, and OCR is not available on this gateway: " + reason + ".", null);
    }

    /** The first {@link GatewayException} in a cause chain (parsers wrap what their callbacks throw), or null. */
    static @Nullable GatewayException within(Throwable error) {
        for (Throwable at = error; at != null; at = at.getCause() == at ? null : at.getCause()) {
            if (at instanceof GatewayException gateway) {
                return gateway;
            }
        }
        return null;
    }
}
