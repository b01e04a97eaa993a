package dev.switchboard.tasks.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.config.TaskDocumentProperties;
import dev.switchboard.config.TaskProperties;
import dev.switchboard.testsupport.TestDocuments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import reactor.test.StepVerifier;

/**
 * OCR with this machine's Tesseract (Debian's {@code tesseract-ocr}, which {@code .ci/run} installs) on
 * images and scans drawn by the test. Without Tesseract these tests are reported as skipped, with the
 * reason, never as passed; {@link DocumentTextTest} covers what happens without OCR.
 */
class TesseractOcrTest {

    private static final TaskDocumentProperties.Ocr TESSERACT = new TaskDocumentProperties.Ocr(true, "tesseract",
            "eng", 300, 2);

    private static TesseractOcr.Availability availability;

    private final DocumentText documents = documents(TESSERACT, Duration.ofSeconds(60));

    @BeforeAll
    static void probeTesseract() {
        availability = new TesseractOcr(TESSERACT).availability();
    }

    private static void assumeTesseract() {
        assumeTrue(availability.available(), () -> "OCR tests skipped: " + availability.detail());
    }

    private static DocumentText documents(TaskDocumentProperties.Ocr ocr, Duration timeout) {
        return new DocumentText(new TaskProperties(null, true, DataSize.ofMegabytes(1), 5, 5000, true, true),
                new TaskDocumentProperties(timeout, 40_000_000, ocr));
    }

    private DocumentText.Extracted read(String name, byte[] bytes) {
        return documents.extractNow(new UploadedFile(name, null, bytes));
    }

    @Test
    void readsTheTextInAPngAndAJpeg() {
        assumeTesseract();

        DocumentText.Extracted png = read("cv.png", TestDocuments.png(List.of("Ada Lovelace, analyst", "Skills: mathematics")));
        DocumentText.Extracted jpeg = read("cv.jpg", TestDocuments.jpeg(List.of("Grace Hopper", "COBOL pioneer")));

        assertThat(png.kind()).isEqualTo(DocumentKind.PNG);
        assertThat(png.method()).isEqualTo(DocumentText.Method.OCR);
        assertThat(png.text()).contains("Ada Lovelace, analyst").contains("Skills: mathematics");
        assertThat(jpeg.kind()).isEqualTo(DocumentKind.JPEG);
        assertThat(jpeg.text()).contains("Grace Hopper").contains("COBOL pioneer");
    }

    @Test
    void readsAScannedPdfPageByPage() {
        assumeTesseract();
        UploadedFile file = new UploadedFile("scan.pdf", "application/pdf",
                TestDocuments.scannedPdf(List.of("Ada Lovelace, analyst", "Skills: mathematics")));

        DocumentText.Extracted scan = documents.extractNow(file);

        assertThat(scan.text()).contains("Ada Lovelace, analyst").contains("Skills: mathematics");
        assertThat(scan.text().indexOf("Ada")).isLessThan(scan.text().indexOf("Skills"));
        assertThat(scan.info(file)).containsEntry("pages", 2).containsEntry("extraction", "ocr")
                .containsEntry("ocr_pages", 2);
    }

    @Test
    void readsTheTextLayerOfAMixedPdfAndOcrsOnlyItsScannedPages() {
        assumeTesseract();
        UploadedFile file = new UploadedFile("mixed.pdf", null,
                TestDocuments.scannedPdf(List.of("Typed cover page"), List.of("Scanned second page")));

        DocumentText.Extracted mixed = documents.extractNow(file);

        assertThat(mixed.text()).startsWith("Typed cover page").contains("Scanned second page");
        assertThat(mixed.info(file)).containsEntry("extraction", "text+ocr").containsEntry("ocr_pages", 1)
                .doesNotContainKey("unread_pages");
    }

    @Test
    void anImageWithoutTextIsA400EmptyFileNotAnEmptyPrompt() {
        assumeTesseract();

        GatewayException error = catchThrowableOfType(GatewayException.class,
                () -> read("blank.png", TestDocuments.pngOfSize(600, 400)));

        assertThat(error).extracting(GatewayException::status, GatewayException::code).containsExactly(400, "empty_file");
        assertThat(error.getMessage()).contains("OCR found no text");
    }

    @Test
    void readsOnTheBoundedElasticScheduler() {
        assumeTesseract();
        UploadedFile file = new UploadedFile("cv.png", null, TestDocuments.png(List.of("Hello")));

        StepVerifier.create(documents.extract(file).map(e -> Thread.currentThread().getName()))
                .assertNext(thread -> assertThat(thread).startsWith("boundedElastic"))
                .expectComplete()
                .verify(Duration.ofSeconds(60));
    }

    @Test
    void anOcrRunOverTheTimeLimitIsStoppedAndA422(@TempDir Path dir) throws IOException {
        // a stand-in for Tesseract that knows English but never finishes a page
        Path slow = dir.resolve("slow-tesseract");
        Files.writeString(slow, """
                #!/bin/sh
                if [ "$1" = "--list-langs" ]; then echo 'List of available languages (1):'; echo eng; exit 0; fi
                exec sleep 30
                """);
        Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwx------"));
        DocumentText impatient = documents(new TaskDocumentProperties.Ocr(true, slow.toString(), "eng", 300, 1),
                Duration.ofMillis(700));

        GatewayException error = catchThrowableOfType(GatewayException.class, () -> impatient.extractNow(
                new UploadedFile("cv.png", null, TestDocuments.png(List.of("Ada")))));

        assertThat(error).extracting(GatewayException::status, GatewayException::code)
                .containsExactly(422, "extraction_timeout");
        assertThat(error.getMessage()).contains("cv.png", "OCR of the image", "0.7 s");
    }

    @Test
    void aLanguageWithoutDataMakesOcrUnavailableWithTheInstallCommand() {
        assumeTesseract();
        TesseractOcr klingon = new TesseractOcr(new TaskDocumentProperties.Ocr(true, "tesseract", "eng+tlh", 300, 1));

        TesseractOcr.Availability answer = klingon.availability();

        assertThat(answer.available()).isFalse();
        assertThat(answer.detail()).contains("tlh").contains("apt-get install tesseract-ocr-tlh");
    }
}
