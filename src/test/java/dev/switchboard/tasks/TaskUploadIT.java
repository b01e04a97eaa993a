package dev.switchboard.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.config.TaskDocumentProperties;
import dev.switchboard.tasks.documents.TesseractOcr;
import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.testsupport.MultipartForm;
import dev.switchboard.testsupport.TestDocuments;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** File input: every format is read (the simulator echoes the start of the prompt), every bad file is a clear 4xx. */
@GatewayIT
class TaskUploadIT {

    private static final MediaType DOCX =
            MediaType.parseMediaType("application/vnd.openxmlformats-officedocument.wordprocessingml.document");

    @Autowired
    WebTestClient http;

    @Autowired
    JsonMapper json;

    /** The first twelve words of the prompt, as the simulator's JSON model quotes them (generic's prompt is the input). */
    private String excerpt(JsonNode record) {
        return json.readTree(record.path("response").asString()).path("excerpt").asString();
    }

    private WebTestClient.ResponseSpec upload(String fileName, MediaType type, byte[] bytes, String... fields) {
        MultipartForm form = new MultipartForm();
        for (int i = 0; i < fields.length; i += 2) {
            form.field(fields[i], fields[i + 1]);
        }
        return send(form.file("file", fileName, type, bytes));
    }

    private WebTestClient.ResponseSpec send(MultipartForm form) {
        return http.post().uri("/api/v1/brain/process").contentType(MultipartForm.contentType())
                .bodyValue(form.build()).exchange();
    }

    private JsonNode ok(WebTestClient.ResponseSpec response) {
        return response.expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private JsonNode error(WebTestClient.ResponseSpec response, int status) {
        return response.expectStatus().isEqualTo(status).expectBody(JsonNode.class).returnResult().getResponseBody()
                .path("error");
    }

    @Test
    void aPdfIsReadPageByPageAndTheRecordNamesTheFile() {
        byte[] pdf = TestDocuments.pdf(List.of("Ada Lovelace, analyst", "Skills: mathematics"));

        JsonNode record = ok(upload("cv.pdf", MediaType.APPLICATION_PDF, pdf, "task_type", "generic",
                "variables", "{\"instruction\":\"Summarise:\"}"));

        assertThat(record.path("success").asBoolean()).isTrue();
        assertThat(record.path("input_type").asString()).isEqualTo("file");
        assertThat(record.path("input_data").asString()).isEqualTo("cv.pdf");
        assertThat(record.path("response").asString()).startsWith("Simulated answer to “Summarise: Ada Lovelace,");
        JsonNode file = record.path("metadata").path("file");
        assertThat(file.path("kind").asString()).isEqualTo("pdf");
        assertThat(file.path("pages").asInt()).isEqualTo(2);
        assertThat(file.path("size_bytes").asInt()).isEqualTo(pdf.length);
    }

    @Test
    void aDocxIsReadAndAResumeParsedIntoJson() {
        byte[] docx = TestDocuments.docx(List.of("Grace Hopper", "Rear admiral, COBOL"));

        JsonNode read = ok(upload("cv.docx", DOCX, docx, "task_type", "generic", "model", "sim-json"));
        JsonNode parsed = ok(upload("cv.docx", DOCX, docx, "task_type", "resume_parsing", "preferred_provider", "jsonsim"));

        assertThat(excerpt(read)).isEqualTo("Grace Hopper Rear admiral, COBOL");
        assertThat(read.path("metadata").path("file").path("kind").asString()).isEqualTo("docx");
        assertThat(parsed.path("success").asBoolean()).isTrue();
        assertThat(parsed.path("input_data").asString()).isEqualTo("cv.docx");
        assertThat(parsed.path("parsed").path("source").asString()).isEqualTo("switchboard-simulator");
    }

    @Test
    void plainTextAndMarkdownFilesAreReadAsUtf8() {
        JsonNode text = ok(upload("note.txt", MediaType.TEXT_PLAIN, "Caf\u00e9 au lait".getBytes(StandardCharsets.UTF_8),
                "task_type", "chat"));
        JsonNode markdown = ok(upload("jd.md", MediaType.parseMediaType("text/markdown"),
                "# Senior engineer\n\n- Java".getBytes(StandardCharsets.UTF_8), "task_type", "generic", "model", "sim-json"));

        assertThat(text.path("response").asString()).startsWith("Simulated answer to “Café au lait”");
        assertThat(text.path("metadata").path("file").path("kind").asString()).isEqualTo("text");
        assertThat(excerpt(markdown)).isEqualTo("# Senior engineer - Java");
        assertThat(markdown.path("metadata").path("file").path("kind").asString()).isEqualTo("markdown");
    }

    @Test
    void anEncryptedPdfIsA422() {
        JsonNode error = error(upload("locked.pdf", MediaType.APPLICATION_PDF, TestDocuments.encryptedPdf("secret"),
                "task_type", "generic"), 422);

        assertThat(error.path("code").asString()).isEqualTo("encrypted_file");
        assertThat(error.path("message").asString()).contains("locked.pdf").contains("password");
    }

    @Test
    void aPartHeaderTheMultipartParserCannotReadIsA400NotA500() {
        // found by BadInputFuzzIT: Spring's ContentDisposition parser throws on a name holding a line break
        send(new MultipartForm().field("task_type", "chat").field("\r\n", "chat"))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_multipart");
    }

    @Test
    void anEmptyFileIsA400() {
        JsonNode error = error(upload("empty.txt", MediaType.TEXT_PLAIN, new byte[0], "task_type", "generic"), 400);

        assertThat(error.path("code").asString()).isEqualTo("empty_file");
    }

    @Test
    void anUnsupportedTypeIsA415() {
        JsonNode error = error(upload("photo.webp", MediaType.parseMediaType("image/webp"), new byte[] {'R', 'I', 'F', 'F'},
                "task_type", "generic"), 415);

        assertThat(error.path("code").asString()).isEqualTo("unsupported_file_type");
        assertThat(error.path("message").asString()).contains(".webp").contains("PDF").contains(".png");
    }

    @Test
    void wordExcelOpenDocumentRtfHtmlAndCsvFilesAreReadThroughTika() {
        Map<String, List<List<Object>>> sheet = Map.of("People", List.of(List.of("Ada Lovelace", "analyst")));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("cv.doc", TestDocuments.doc());
        files.put("people.xlsx", TestDocuments.xlsx(sheet));
        files.put("people.xls", TestDocuments.xls(sheet));
        files.put("cv.odt", TestDocuments.odt(List.of("Grace Hopper", "Rear admiral")));
        files.put("cv.rtf", TestDocuments.rtf(List.of("Grace Hopper", "Rear admiral")));
        files.put("jd.html", "<html><body><h1>Senior engineer</h1><p>Java</p></body></html>".getBytes(StandardCharsets.UTF_8));
        files.put("people.csv", "name,role\nAda Lovelace,analyst\n".getBytes(StandardCharsets.UTF_8));
        Map<String, String> excerpts = Map.of(
                "cv.doc", "Grace Hopper Rear admiral and COBOL pioneer",
                "people.xlsx", "People Ada Lovelace analyst",
                "people.xls", "People Ada Lovelace analyst",
                "cv.odt", "Grace Hopper Rear admiral",
                "cv.rtf", "Grace Hopper Rear admiral",
                "jd.html", "Senior engineer Java",
                "people.csv", "name,role Ada Lovelace,analyst");

        files.forEach((name, bytes) -> {
            JsonNode record = ok(upload(name, MediaType.APPLICATION_OCTET_STREAM, bytes, "task_type", "generic",
                    "model", "sim-json"));

            assertThat(record.path("success").asBoolean()).as(name).isTrue();
            assertThat(excerpt(record)).as(name).isEqualTo(excerpts.get(name));
            JsonNode file = record.path("metadata").path("file");
            assertThat(file.path("kind").asString()).as(name).isEqualTo(name.substring(name.indexOf('.') + 1));
            assertThat(file.path("extraction").asString()).as(name).isEqualTo("text");
        });
    }

    @Test
    void aDamagedSpreadsheetIsA422() {
        JsonNode error = error(upload("broken.xlsx", MediaType.APPLICATION_OCTET_STREAM, "not a workbook".getBytes(
                StandardCharsets.UTF_8), "task_type", "generic"), 422);

        assertThat(error.path("code").asString()).isEqualTo("unreadable_file");
        assertThat(error.path("message").asString()).contains("broken.xlsx");
    }

    @Test
    void anImageForAnOcrTaskIsReadWithTesseract() {
        assumeTesseract();

        JsonNode record = ok(upload("cv.png", MediaType.IMAGE_PNG, TestDocuments.png(List.of("Ada Lovelace analyst")),
                "task_type", "generic", "model", "sim-json"));

        assertThat(excerpt(record)).isEqualTo("Ada Lovelace analyst");
        JsonNode file = record.path("metadata").path("file");
        assertThat(file.path("kind").asString()).isEqualTo("png");
        assertThat(file.path("extraction").asString()).isEqualTo("ocr");
    }

    @Test
    void aScannedPdfIsReadWithTesseract() {
        assumeTesseract();

        JsonNode record = ok(upload("scan.pdf", MediaType.APPLICATION_PDF, TestDocuments.scannedPdf(
                List.of("Grace Hopper", "Rear admiral")), "task_type", "generic", "model", "sim-json"));

        assertThat(excerpt(record)).isEqualTo("Grace Hopper Rear admiral");
        assertThat(record.path("metadata").path("file").path("ocr_pages").asInt()).isEqualTo(2);
    }

    @Test
    void anImageForAVisionTaskGoesToAVisionModelAsAnImagePart() {
        byte[] jpeg = TestDocuments.jpeg(List.of("a chart"));

        JsonNode record = ok(upload("chart.jpg", MediaType.IMAGE_JPEG, jpeg, "task_type", "describe_image",
                "model", "alpha-1"));

        assertThat(record.path("success").asBoolean()).isTrue();
        // the simulator names the images of the last user message it was sent
        assertThat(record.path("response").asString()).startsWith("I see 1 image (image/jpeg).");
        JsonNode file = record.path("metadata").path("file");
        assertThat(file.path("extraction").asString()).isEqualTo("vision");
        assertThat(file.path("size_bytes").asInt()).isEqualTo(jpeg.length);
        assertThat(record.path("input_data").asString()).isEqualTo("chart.jpg");
    }

    @Test
    void anImageForAVisionTaskIsRefusedByATextOnlyModelBeforeAnythingIsSent() {
        JsonNode error = error(upload("chart.png", MediaType.IMAGE_PNG, TestDocuments.png(List.of("a chart")),
                "task_type", "describe_image", "model", "alpha-text"), 400);

        assertThat(error.path("code").asString()).isEqualTo("unsupported_parameter");
        assertThat(error.path("message").asString()).contains("image_url");
    }

    private static void assumeTesseract() {
        TesseractOcr.Availability tesseract = new TesseractOcr(new TaskDocumentProperties.Ocr(true, "tesseract", "eng",
                300, 1)).availability();
        assumeTrue(tesseract.available(), () -> "OCR tests skipped: " + tesseract.detail());
    }

    @Test
    void anOversizedFileIsA413() {
        byte[] big = "word ".repeat(60_000).getBytes(StandardCharsets.UTF_8); // 300 KB, the test limit is 256 KB

        JsonNode error = error(upload("big.txt", MediaType.TEXT_PLAIN, big, "task_type", "generic"), 413);

        assertThat(error.path("code").asString()).isEqualTo("file_too_large");
    }

    @Test
    void aPdfOverThePageLimitIsA413() {
        byte[] pdf = TestDocuments.pdf(List.of("1", "2", "3", "4", "5", "6"));

        JsonNode error = error(upload("long.pdf", MediaType.APPLICATION_PDF, pdf, "task_type", "generic"), 413);

        assertThat(error.path("code").asString()).isEqualTo("too_many_pages");
    }

    @Test
    void formMistakesAre400s() {
        byte[] text = "hello".getBytes(StandardCharsets.UTF_8);

        assertThat(error(upload("a.txt", MediaType.TEXT_PLAIN, text, "task_type", "generic", "input_data", "x"), 400)
                .path("code").asString()).isEqualTo("ambiguous_input");
        assertThat(error(upload("a.txt", MediaType.TEXT_PLAIN, text, "task_type", "generic", "tasktype", "x"), 400)
                .path("code").asString()).isEqualTo("unknown_field");
        assertThat(error(upload("a.txt", MediaType.TEXT_PLAIN, text, "task_type", "nope"), 400)
                .path("code").asString()).isEqualTo("unknown_task_type");
        assertThat(error(upload("a.txt", MediaType.TEXT_PLAIN, text, "task_type", "generic", "max_tokens", "many"), 400)
                .path("code").asString()).isEqualTo("invalid_type");
    }

    @Test
    void aFormWithoutAFileMayCarryTheTextItself() {
        JsonNode record = ok(send(new MultipartForm().field("task_type", "generic").field("input_data", "Typed text")));

        assertThat(record.path("input_type").asString()).isEqualTo("text");
        assertThat(record.path("response").asString()).startsWith("Simulated answer to “Typed text”");
    }
}
