package dev.switchboard.tasks.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.config.TaskDocumentProperties;
import dev.switchboard.config.TaskProperties;
import dev.switchboard.testsupport.TestDocuments;
import dev.switchboard.chat.ContentPart;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import reactor.test.StepVerifier;

/**
 * Every format without OCR: this machine's Tesseract is never asked (the command configured here does not
 * exist), so what happens without OCR is tested everywhere; {@link TesseractOcrTest} reads with it.
 */
class DocumentTextTest {

    private static final Map<String, List<List<Object>>> STAFF = staff();

    private final DocumentText documents = documents("no-such-tesseract-command", true);

    static DocumentText documents(String ocrCommand, boolean ocrEnabled) {
        return new DocumentText(new TaskProperties(null, true, DataSize.ofMegabytes(1), 3, 500, true, true),
                new TaskDocumentProperties(Duration.ofSeconds(60), 2_000_000,
                        new TaskDocumentProperties.Ocr(ocrEnabled, ocrCommand, "eng", 300, 2)));
    }

    private static Map<String, List<List<Object>>> staff() {
        Map<String, List<List<Object>>> sheets = new LinkedHashMap<>();
        sheets.put("Staff", List.of(List.of("Name", "Role"), List.of("Ada Lovelace", "Analyst"),
                List.of("Charles Babbage", 1791)));
        sheets.put("Notes", List.of(List.of("Difference engine")));
        return sheets;
    }

    private DocumentText.Extracted read(String name, String contentType, byte[] bytes) {
        return documents.extractNow(new UploadedFile(name, contentType, bytes));
    }

    private GatewayException rejected(String name, String contentType, byte[] bytes) {
        return catchThrowableOfType(GatewayException.class, () -> read(name, contentType, bytes));
    }

    @Test
    void readsEveryPageOfAPdf() {
        DocumentText.Extracted pdf = read("cv.pdf", "application/pdf",
                TestDocuments.pdf(List.of("Ada Lovelace, analyst", "Skills: mathematics")));

        assertThat(pdf.kind()).isEqualTo(DocumentKind.PDF);
        assertThat(pdf.pages()).isEqualTo(2);
        assertThat(pdf.text()).contains("Ada Lovelace, analyst").contains("Skills: mathematics");
    }

    @Test
    void readsTheParagraphsOfADocx() {
        DocumentText.Extracted docx = read("jd.docx", null, TestDocuments.docx(List.of("Senior engineer", "Java, Reactor")));

        assertThat(docx.kind()).isEqualTo(DocumentKind.DOCX);
        assertThat(docx.text()).isEqualTo("Senior engineer\nJava, Reactor");
    }

    @Test
    void readsTextAndMarkdownAsUtf8WithoutBomAndWithTidyLineEnds() {
        byte[] text = "\uFEFFfirst line  \r\nsecond\r\n\r\n\r\n\r\nthird".getBytes(StandardCharsets.UTF_8);
        assertThat(read("notes.txt", "text/plain", text).text()).isEqualTo("first line\nsecond\n\nthird");
        DocumentText.Extracted md = read("readme", "text/markdown", "# Title\n\n- *item*".getBytes(StandardCharsets.UTF_8));
        assertThat(md.kind()).isEqualTo(DocumentKind.MARKDOWN);
        assertThat(md.text()).isEqualTo("# Title\n\n- *item*");
    }

    @Test
    void rejectsEncryptedDocumentsWith422() {
        assertThat(rejected("locked.pdf", "application/pdf", TestDocuments.encryptedPdf("secret text")))
                .extracting(GatewayException::status, GatewayException::code).containsExactly(422, "encrypted_file");
        assertThat(rejected("locked.docx", null, TestDocuments.encryptedDocx("secret text")))
                .extracting(GatewayException::status, GatewayException::code).containsExactly(422, "encrypted_file");
    }

    @Test
    void rejectsEmptyFilesAndFilesWithoutText() {
        assertThat(rejected("empty.txt", "text/plain", new byte[0]).code()).isEqualTo("empty_file");
        GatewayException blank = rejected("blank.pdf", "application/pdf", TestDocuments.blankPdf());
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.getMessage()).contains("neither a text layer nor images");
        assertThat(rejected("blank.md", null, " \n\n ".getBytes(StandardCharsets.UTF_8)).code()).isEqualTo("empty_file");
        assertThat(rejected("blank.html", null, "<html><body> </body></html>".getBytes(StandardCharsets.UTF_8)).code())
                .isEqualTo("empty_file");
    }

    @Test
    void readsAWord97DocThroughTika() {
        DocumentText.Extracted doc = read("cv.doc", null, TestDocuments.doc());

        assertThat(doc.kind()).isEqualTo(DocumentKind.DOC);
        assertThat(doc.text()).isEqualTo("Grace Hopper\n\nRear admiral and COBOL pioneer");
        assertThat(doc.method()).isEqualTo(DocumentText.Method.TEXT);
    }

    @Test
    void readsAWord97DocSavedUnderADocxNameAsWhatItIs() {
        DocumentText.Extracted doc = read("cv.docx", null, TestDocuments.doc());

        assertThat(doc.kind()).isEqualTo(DocumentKind.DOC);
        assertThat(doc.text()).contains("Grace Hopper");
    }

    @Test
    void readsEverySheetOfAnXlsxAndAnXlsRowByRowWithTabsBetweenCells() {
        String expected = "Staff\n\tName\tRole\n\tAda Lovelace\tAnalyst\n\tCharles Babbage\t1791\n\nNotes\n"
                + "\tDifference engine";

        assertThat(read("staff.xlsx", null, TestDocuments.xlsx(STAFF)).text()).isEqualTo(expected);
        DocumentText.Extracted xls = read("staff.xls", "application/vnd.ms-excel", TestDocuments.xls(STAFF));
        assertThat(xls.kind()).isEqualTo(DocumentKind.XLS);
        assertThat(xls.text()).isEqualTo(expected);
    }

    @Test
    void readsOpenDocumentTextAndRtf() {
        DocumentText.Extracted odt = read("cv.odt", null, TestDocuments.odt(List.of("Grace Hopper", "Rear admiral & COBOL")));
        DocumentText.Extracted rtf = read("cv.rtf", null, TestDocuments.rtf(List.of("Grace Hopper", "Rear {admiral}")));

        assertThat(odt.kind()).isEqualTo(DocumentKind.ODT);
        assertThat(odt.text()).isEqualTo("Grace Hopper\nRear admiral & COBOL");
        assertThat(rtf.kind()).isEqualTo(DocumentKind.RTF);
        assertThat(rtf.text()).isEqualTo("Grace Hopper\nRear {admiral}");
    }

    @Test
    void readsTheVisibleTextOfHtmlWithoutMarkupScriptsOrStyles() {
        byte[] html = ("<html><head><title>Job</title><style>p{color:red}</style><script>var token='s3cr3t';</script>"
                + "</head><body><h1>Senior engineer</h1><p>Java &amp; Reactor</p><ul><li>remote</li></ul></body></html>")
                .getBytes(StandardCharsets.UTF_8);

        DocumentText.Extracted read = read("jd.html", null, html);

        assertThat(read.kind()).isEqualTo(DocumentKind.HTML);
        assertThat(read.text()).isEqualTo("Senior engineer\nJava & Reactor\n\tremote")
                .doesNotContain("s3cr3t", "color", "<");
    }

    @Test
    void readsACsvAsItIsInTheCharacterSetItWasSavedIn() {
        String csv = "name;city\nZo\u00eb;M\u00e1laga\n\"Smith, J\";K\u00f6ln\n";

        DocumentText.Extracted windows = read("people.csv", null, TestDocuments.text(csv, Charset.forName("windows-1252")));
        DocumentText.Extracted utf8 = read("people.csv", "text/csv", TestDocuments.text(csv, StandardCharsets.UTF_8));

        assertThat(windows.kind()).isEqualTo(DocumentKind.CSV);
        assertThat(windows.text()).isEqualTo(csv.strip());
        assertThat(utf8.text()).isEqualTo(csv.strip());
    }

    @Test
    void recognisesTheNewTypesByContentTypeWhenTheNameHasNoExtension() {
        assertThat(read("upload", "application/msword", TestDocuments.doc()).kind()).isEqualTo(DocumentKind.DOC);
        assertThat(read("upload", "application/vnd.oasis.opendocument.text", TestDocuments.odt(List.of("x"))).kind())
                .isEqualTo(DocumentKind.ODT);
        assertThat(read("upload", "text/html; charset=utf-8", "<p>x</p>".getBytes(StandardCharsets.UTF_8)).kind())
                .isEqualTo(DocumentKind.HTML);
        assertThat(DocumentKind.of("upload", "image/jpeg")).isEqualTo(DocumentKind.JPEG);
    }

    @Test
    void rejectsPasswordProtectedSpreadsheetsWith422() {
        assertThat(rejected("locked.xlsx", null, TestDocuments.encryptedXlsx(STAFF)))
                .extracting(GatewayException::status, GatewayException::code).containsExactly(422, "encrypted_file");
        assertThat(rejected("locked.xls", null, TestDocuments.encryptedXls(STAFF)))
                .extracting(GatewayException::status, GatewayException::code).containsExactly(422, "encrypted_file");
    }

    @Test
    void rejectsOfficeFilesThatAreNotWhatTheirNameSays() {
        byte[] text = "just text".getBytes(StandardCharsets.UTF_8);
        for (String name : List.of("fake.doc", "fake.xls", "fake.xlsx", "fake.odt", "fake.rtf")) {
            assertThat(rejected(name, null, text))
                    .extracting(GatewayException::status, GatewayException::code).containsExactly(422, "unreadable_file");
        }
        assertThat(rejected("fake.html", null, new byte[] {'<', 'p', '>', 0, 1, 2}).getMessage()).contains("binary data");
        assertThat(rejected("fake.xlsx", null, TestDocuments.odt(List.of("x"))).code()).isEqualTo("unreadable_file");
    }

    @Test
    void aDamagedOfficeFileIsA422ThatNamesNoLibraryInternals() {
        byte[] doc = TestDocuments.doc();
        byte[] damaged = Arrays.copyOf(doc, doc.length / 2);

        GatewayException error = rejected("broken.doc", null, damaged);

        assertThat(error).extracting(GatewayException::status, GatewayException::code).containsExactly(422, "unreadable_file");
        assertThat(error.getMessage()).contains("broken.doc").doesNotContain("org.apache", "Exception");
    }

    @Test
    void textOverTheCharacterLimitIsA413AlsoWhenTikaReadsIt() {
        String row = "0123456789,abcdefghij\n";
        GatewayException csv = rejected("a.csv", null, row.repeat(30).getBytes(StandardCharsets.UTF_8));
        // a parser's output is cut off at twice the limit (whitespace is tidied afterwards), so it says "more than"
        GatewayException html = rejected("b.html", null, ("<p>" + row + "</p>").repeat(500).getBytes(StandardCharsets.UTF_8));

        assertThat(csv).extracting(GatewayException::status, GatewayException::code).containsExactly(413, "input_too_long");
        assertThat(csv.getMessage()).contains("has 659 characters; at most 500");
        assertThat(html).extracting(GatewayException::status, GatewayException::code).containsExactly(413, "input_too_long");
        assertThat(html.getMessage()).contains("more than 500 characters");
    }

    @Test
    void withoutOcrAnImageOrAScanIsA422OcrUnavailableNeverAnEmptyText() {
        GatewayException image = rejected("cv.png", null, TestDocuments.png(List.of("Ada Lovelace")));
        GatewayException scan = rejected("scan.pdf", null, TestDocuments.scannedPdf(List.of("Ada Lovelace")));
        GatewayException off = catchThrowableOfType(GatewayException.class, () -> documents("tesseract", false)
                .extractNow(new UploadedFile("cv.jpg", null, TestDocuments.jpeg(List.of("Ada")))));

        assertThat(image).extracting(GatewayException::status, GatewayException::code).containsExactly(422, "ocr_unavailable");
        assertThat(image.getMessage()).contains("cv.png", "is an image", "tesseract-ocr");
        assertThat(scan).extracting(GatewayException::status, GatewayException::code).containsExactly(422, "ocr_unavailable");
        assertThat(scan.getMessage()).contains("scan without a text layer (1 of 1 pages)");
        assertThat(off.code()).isEqualTo("ocr_unavailable");
        assertThat(off.getMessage()).contains("switched off");
    }

    @Test
    void withoutOcrAPartlyScannedPdfKeepsItsTextAndCountsThePagesItCouldNotRead() {
        UploadedFile file = new UploadedFile("mixed.pdf", null,
                TestDocuments.scannedPdf(List.of("Typed cover page"), List.of("Scanned second page")));

        DocumentText.Extracted read = documents.extractNow(file);

        assertThat(read.text()).isEqualTo("Typed cover page");
        assertThat(read.info(file)).containsEntry("pages", 2).containsEntry("extraction", "text")
                .containsEntry("unread_pages", 1).doesNotContainKey("ocr_pages");
    }

    @Test
    void forAVisionTaskAnImageIsKeptAsAnInlineImagePartNotRead() {
        byte[] png = TestDocuments.png(List.of("Ada Lovelace"));
        UploadedFile file = new UploadedFile("cv.png", null, png);

        DocumentText.Extracted read = documents.extractNow(file, true);

        assertThat(read.method()).isEqualTo(DocumentText.Method.VISION);
        assertThat(read.text()).isEqualTo(DocumentText.IMAGE_INPUT);
        ContentPart.Image image = read.image();
        assertThat(image).isNotNull();
        assertThat(image.mediaType()).isEqualTo("image/png");
        assertThat(Base64.getDecoder().decode(image.base64())).isEqualTo(png);
        assertThat(read.info(file)).containsEntry("kind", "png").containsEntry("extraction", "vision");
    }

    @Test
    void anImageIsCheckedBeforeAnyoneDecodesIt() {
        byte[] jpeg = TestDocuments.jpeg(List.of("Ada"));
        byte[] huge = TestDocuments.pngOfSize(2000, 1500); // 3,000,000 pixels, the limit here is 2,000,000

        assertThat(rejected("photo.png", null, jpeg).getMessage()).contains("not a PNG image");
        assertThat(catchThrowableOfType(GatewayException.class, () -> documents.extractNow(
                new UploadedFile("photo.png", null, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0}), true)))
                .extracting(GatewayException::status, GatewayException::code).containsExactly(422, "unreadable_file");
        assertThat(catchThrowableOfType(GatewayException.class, () -> documents.extractNow(
                new UploadedFile("poster.png", null, huge), true)))
                .extracting(GatewayException::status, GatewayException::code).containsExactly(413, "image_too_large");
    }

    @Test
    void enforcesThePageAndCharacterLimits() {
        GatewayException pages = rejected("long.pdf", null, TestDocuments.pdf(List.of("1", "2", "3", "4")));
        assertThat(pages.status()).isEqualTo(413);
        assertThat(pages.getMessage()).contains("4 pages; at most 3");
        GatewayException chars = rejected("long.txt", null, "x".repeat(501).getBytes(StandardCharsets.UTF_8));
        assertThat(chars).extracting(GatewayException::status, GatewayException::code).containsExactly(413, "input_too_long");
    }

    @Test
    void rejectsUnsupportedTypesMislabelledFilesAndOtherEncodings() {
        assertThat(rejected("photo.webp", "image/webp", new byte[] {'R', 'I', 'F', 'F'}))
                .extracting(GatewayException::status, GatewayException::code).containsExactly(415, "unsupported_file_type");
        assertThat(rejected("blob", "application/octet-stream", new byte[] {1}).status()).isEqualTo(415);
        assertThat(rejected("fake.pdf", null, "hello".getBytes(StandardCharsets.UTF_8)))
                .extracting(GatewayException::status, GatewayException::code).containsExactly(422, "unreadable_file");
        assertThat(rejected("fake.docx", null, TestDocuments.pdf(List.of("x"))).code()).isEqualTo("unreadable_file");
        assertThat(rejected("blob.gif", "image/gif", new byte[] {'G', 'I', 'F'}).getMessage())
                .contains(".gif", "Excel", "RTF", "HTML", "CSV", ".png");
        assertThat(rejected("latin1.txt", null, new byte[] {'c', 'a', 'f', (byte) 0xE9}).code())
                .isEqualTo("unsupported_encoding");
    }

    @Test
    void extractsOnTheBoundedElasticScheduler() {
        UploadedFile file = new UploadedFile("a.txt", null, "hello".getBytes(StandardCharsets.UTF_8));

        StepVerifier.create(documents.extract(file).map(e -> Thread.currentThread().getName()))
                .assertNext(thread -> assertThat(thread).startsWith("boundedElastic"))
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }
}
