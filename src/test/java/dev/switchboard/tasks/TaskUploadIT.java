package dev.switchboard.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.testsupport.MultipartForm;
import dev.switchboard.testsupport.TestDocuments;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
        JsonNode error = error(upload("photo.png", MediaType.IMAGE_PNG, new byte[] {(byte) 0x89, 'P', 'N', 'G'},
                "task_type", "generic"), 415);

        assertThat(error.path("code").asString()).isEqualTo("unsupported_file_type");
        assertThat(error.path("message").asString()).contains(".png").contains("PDF");
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
