package dev.switchboard.config;

import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the Task API reads uploaded files beyond the size and page limits of {@link TaskProperties}.
 *
 * @param timeout the most time reading one file may take (parsing, rendering and OCR together); 422
 *     {@code extraction_timeout} beyond
 * @param maxImagePixels the largest image read: an upload, or a scanned PDF page as rendered for OCR (pages
 *     are rendered at a lower resolution to stay under it); uploads over it are a 413 {@code image_too_large}
 * @param ocr text recognition with Tesseract, for images and PDF pages without a text layer
 */
@ConfigurationProperties("switchboard.tasks.documents")
public record TaskDocumentProperties(
        @DefaultValue("60s") Duration timeout,
        @DefaultValue("40000000") long maxImagePixels,
        @DefaultValue Ocr ocr) {

    private static final Pattern LANGUAGES = Pattern.compile("[A-Za-z0-9_]+(\\+[A-Za-z0-9_]+)*");

    public TaskDocumentProperties {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("switchboard.tasks.documents.timeout must be positive");
        }
        if (maxImagePixels < 1_000_000) {
            throw new IllegalArgumentException("switchboard.tasks.documents.max-image-pixels must be at least 1000000");
        }
    }

    /**
     * Tesseract, run as a process.
     *
     * @param enabled false: OCR is never tried (images and scanned pages are a 422 {@code ocr_unavailable})
     * @param command the Tesseract executable, found on the {@code PATH} unless a path is given
     * @param languages Tesseract's language codes joined by {@code +} ({@code eng}, {@code eng+deu}); each
     *     needs its data installed (Debian: {@code tesseract-ocr-<code>})
     * @param dpi resolution at which scanned PDF pages are rendered for OCR
     * @param maxConcurrent Tesseract processes at once; more wait (within the time limit)
     */
    public record Ocr(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("tesseract") String command,
            @DefaultValue("eng") String languages,
            @DefaultValue("300") int dpi,
            @DefaultValue("2") int maxConcurrent) {

        public Ocr {
            if (command.isBlank()) {
                throw new IllegalArgumentException("switchboard.tasks.documents.ocr.command must not be blank");
            }
            if (!LANGUAGES.matcher(languages).matches()) {
                throw new IllegalArgumentException("switchboard.tasks.documents.ocr.languages must be Tesseract "
                        + "language codes joined by '+', e.g. eng or eng+deu");
            }
            if (dpi < 72 || dpi > 600) {
                throw new IllegalArgumentException("switchboard.tasks.documents.ocr.dpi must be between 72 and 600");
            }
            if (maxConcurrent < 1) {
                throw new IllegalArgumentException("switchboard.tasks.documents.ocr.max-concurrent must be at least 1");
            }
        }
    }
}
