package dev.switchboard.tasks.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.config.TaskProperties;
import dev.switchboard.testsupport.TestDocuments;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import reactor.test.StepVerifier;

class DocumentTextTest {

    private final DocumentText documents = new DocumentText(
            new TaskProperties(null, true, DataSize.ofMegabytes(1), 3, 500, true, true));

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
        GatewayException scan = rejected("scan.pdf", "application/pdf", TestDocuments.blankPdf());
        assertThat(scan.status()).isEqualTo(400);
        assertThat(scan.getMessage()).contains("OCR");
        assertThat(rejected("blank.md", null, " \n\n ".getBytes(StandardCharsets.UTF_8)).code()).isEqualTo("empty_file");
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
        assertThat(rejected("photo.png", "image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G'}))
                .extracting(GatewayException::status, GatewayException::code).containsExactly(415, "unsupported_file_type");
        assertThat(rejected("blob", "application/octet-stream", new byte[] {1}).status()).isEqualTo(415);
        assertThat(rejected("fake.pdf", null, "hello".getBytes(StandardCharsets.UTF_8)))
                .extracting(GatewayException::status, GatewayException::code).containsExactly(422, "unreadable_file");
        assertThat(rejected("fake.docx", null, TestDocuments.pdf(List.of("x"))).code()).isEqualTo("unreadable_file");
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
