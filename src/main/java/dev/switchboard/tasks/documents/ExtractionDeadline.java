package dev.switchboard.tasks.documents;

import java.time.Duration;

/**
 * The time limit of reading one file ({@code switchboard.tasks.documents.timeout}), checked by the
 * blocking readers between pages, rows and characters, and by the OCR process wait: a watchdog on a
 * worker thread, so it reads the monotonic system timer, not the gateway's {@code Clock}.
 */
final class ExtractionDeadline {

    private final String fileName;
    private final Duration limit;
    private final long endNanos;

    private ExtractionDeadline(String fileName, Duration limit) {
        this.fileName = fileName;
        this.limit = limit;
        this.endNanos = System.nanoTime() + limit.toNanos();
    }

    static ExtractionDeadline start(String fileName, Duration limit) {
        return new ExtractionDeadline(fileName, limit);
    }

    /** Throws the 422 {@code extraction_timeout} once the limit has passed. */
    void check(String doing) {
        if (remainingNanos() <= 0) {
            throw DocumentErrors.timedOut(fileName, limit, doing);
        }
    }

    long remainingNanos() {
        return endNanos - System.nanoTime();
    }

    Duration limit() {
        return limit;
    }

    String fileName() {
        return fileName;
    }
}
