package dev.switchboard.tasks.documents;

import dev.switchboard.config.TaskDocumentProperties;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Text recognition with Tesseract, run as a separate process ({@code tesseract in.png out -l eng}) in a
 * private temporary directory: the image goes in as a file, the text comes back as a file, so no pipe can
 * fill up and stall either side. Each run has what is left of the file's time limit and is killed when that
 * runs out; at most {@code max-concurrent} run at once. Blocking throughout: call it on the bounded-elastic
 * scheduler only.
 *
 * <p>Whether Tesseract is there is found out once, on first use ({@code tesseract --list-langs}, which also
 * shows whether the configured languages are installed), and logged; installing it later needs a restart.
 */
public final class TesseractOcr {

    private static final Logger log = LoggerFactory.getLogger(TesseractOcr.class);
    private static final long PROBE_SECONDS = 10;

    private final TaskDocumentProperties.Ocr settings;
    private final Semaphore running;
    private volatile @Nullable Availability availability;

    public TesseractOcr(TaskDocumentProperties.Ocr settings) {
        this.settings = settings;
        this.running = new Semaphore(settings.maxConcurrent(), true);
    }

    /** Whether OCR can run here, and if not, why (in words for the client). */
    public record Availability(boolean available, String detail) {
    }

    /** Probes once (blocking, on first call), then answers from memory. */
    public Availability availability() {
        Availability known = availability;
        if (known == null) {
            synchronized (this) {
                known = availability;
                if (known == null) {
                    known = probe();
                    availability = known;
                    if (known.available()) {
                        log.info("OCR: {}", known.detail());
                    } else {
                        log.warn("OCR unavailable: {}", known.detail());
                    }
                }
            }
        }
        return known;
    }

    int dpi() {
        return settings.dpi();
    }

    /**
     * The text Tesseract reads in an image file's bytes ({@code extension} {@code png} or {@code jpg}).
     * {@code dpi} is the image's resolution when known (rendered PDF pages), else 0.
     */
    String read(byte[] image, String extension, int dpi, ExtractionDeadline deadline, String what) {
        deadline.check(what);
        boolean acquired = false;
        Path dir = null;
        try {
            acquired = running.tryAcquire(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
            if (!acquired) {
                throw DocumentErrors.timedOut(deadline.fileName(), deadline.limit(), what + ", waiting for OCR");
            }
            dir = Files.createTempDirectory("switchboard-ocr-");
            Path in = dir.resolve("in." + extension);
            Files.write(in, image);
            List<String> command = new ArrayList<>(List.of(settings.command(), in.toString(),
                    dir.resolve("out").toString(), "-l", settings.languages()));
            if (dpi > 0) {
                command.addAll(List.of("--dpi", Integer.toString(dpi)));
            }
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .redirectOutput(dir.resolve("stdout.txt").toFile())
                    .redirectError(dir.resolve("stderr.txt").toFile());
            // one thread per process: the gateway runs several at once, on few cores
            builder.environment().put("OMP_THREAD_LIMIT", "1");
            Process process = builder.start();
            try {
                if (!process.waitFor(Math.max(deadline.remainingNanos(), 0), TimeUnit.NANOSECONDS)) {
                    throw DocumentErrors.timedOut(deadline.fileName(), deadline.limit(), what);
                }
            } finally {
                if (process.isAlive()) {
                    process.destroyForcibly();
                }
            }
            if (process.exitValue() != 0) {
                throw DocumentErrors.unreadable(deadline.fileName(), "OCR failed on " + what + " ("
                        + firstLine(dir.resolve("stderr.txt")) + ")");
            }
            Path out = dir.resolve("out.txt");
            return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DocumentErrors.timedOut(deadline.fileName(), deadline.limit(), what);
        } catch (IOException e) {
            throw DocumentErrors.unreadable(deadline.fileName(), "OCR could not run on " + what);
        } finally {
            if (acquired) {
                running.release();
            }
            deleteQuietly(dir);
        }
    }

    private Availability probe() {
        if (!settings.enabled()) {
            return new Availability(false, "it is switched off (switchboard.tasks.documents.ocr.enabled=false)");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("switchboard-ocr-probe-");
            Path out = dir.resolve("langs.txt");
            Process process = new ProcessBuilder(settings.command(), "--list-langs")
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            if (!process.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Availability(false, "'" + settings.command() + " --list-langs' did not answer within "
                        + PROBE_SECONDS + " s");
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                return new Availability(false, "'" + settings.command() + " --list-langs' failed (exit "
                        + process.exitValue() + ")");
            }
            List<String> installed = lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.contains(" "))
                    .toList();
            List<String> missing = Arrays.stream(settings.languages().split("\\+"))
                    .filter(language -> !installed.contains(language)).toList();
            if (!missing.isEmpty()) {
                return new Availability(false, "Tesseract has no data for the language(s) " + String.join(", ", missing)
                        + " (Debian: apt-get install " + String.join(" ", missing.stream()
                        .map(l -> "tesseract-ocr-" + l.toLowerCase(Locale.ROOT).replace('_', '-')).toList())
                        + ")");
            }
            return new Availability(true, "Tesseract ('" + settings.command() + "'), languages " + settings.languages()
                    + ", at most " + settings.maxConcurrent() + " at once");
        } catch (IOException e) {
            return new Availability(false, "Tesseract is not installed ('" + settings.command()
                    + "' cannot be run; Debian: apt-get install tesseract-ocr)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Availability(false, "the check for Tesseract was interrupted");
        } finally {
            deleteQuietly(dir);
        }
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /** Tesseract's first complaint, without paths (they would show the server's temporary directory). */
    private static String firstLine(Path stderr) {
        try (Stream<String> lines = Files.lines(stderr, StandardCharsets.UTF_8)) {
            String line = lines.map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("Estimating resolution"))
                    .findFirst().orElse("exit status not 0");
            line = line.replaceAll("/\\S+", "<file>");
            return line.length() > 200 ? line.substring(0, 200) : line;
        } catch (IOException | UncheckedIOException e) {
            return "no message";
        }
    }

    private static void deleteQuietly(@Nullable Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.debug("Could not delete the OCR directory {}: {}", dir, e.toString());
        }
    }
}
