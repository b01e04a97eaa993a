package dev.switchboard.conformance;

import static dev.switchboard.testsupport.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.ContentPart;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.testsupport.FakeUpstream;
import dev.switchboard.testsupport.FakeUpstream.Recorded;
import dev.switchboard.testsupport.FakeUpstream.Script;
import dev.switchboard.testsupport.Gateway;
import dev.switchboard.testsupport.Streamed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The image row of the fidelity table, canonical request to wire: {@code data:} and https images as OpenAI
 * {@code image_url} parts, Anthropic {@code image} blocks with a {@code base64} or {@code url} source, Gemini
 * {@code inlineData}. Gemini's refusal of a remote image is in {@link RefusalConformanceTest}.
 */
class ImageConformanceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** A 1x1 PNG. */
    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAA"
            + "AABJRU5ErkJggg==";
    private static final String JPEG = "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////wgA"
            + "LCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=";
    private static final String CAT = "https://example.org/images/cat.jpg";

    private final FakeUpstream fake = FakeUpstream.start();
    private final Gateway gateway = new Gateway(Gateway.UNHURRIED,
            Gateway.provider("openai", WireFormat.OPENAI, fake.url("/v1"), "sk-oa"),
            Gateway.provider("claude", WireFormat.ANTHROPIC, fake.url("/v1"), "sk-ant"),
            Gateway.provider("gemini", WireFormat.GEMINI, fake.url("/v1beta"), "AIza-g"));

    @AfterEach
    void stop() {
        gateway.close();
        fake.close();
    }

    @Test
    void openAiRequestCarriesDataAndHttpsImagesAsImageUrlPartsWithTheirDetail() {
        fake.on("sk-oa", Script.json(200, OPENAI_ANSWER));

        ChatResult result = gateway.complete(look("openai", ContentPart.Image.inline("image/png", PNG, "low"),
                new ContentPart.Image(CAT, null))).block(TIMEOUT);

        assertThat(result.content()).isEqualTo("Hello!");
        assertThat(body("sk-oa")).isEqualTo(tree("{\"model\":\"openai-model\",\"messages\":[{\"role\":\"system\","
                + "\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"What is in these images?\"},{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"data:image/png;base64," + PNG + "\",\"detail\":\"low\"}},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + CAT + "\"}}]}],\"max_tokens\":64}"));
    }

    @Test
    void openAiStreamedRequestCarriesTheSameImageParts() {
        fake.on("sk-oa", Script.sse().write(OPENAI_HAPPY));

        Streamed seen = Streamed.of(gateway.stream(look("openai", new ContentPart.Image(CAT, "high"))));

        assertThat(seen.text()).isEqualTo("Hello!");
        JsonNode user = body("sk-oa").path("messages").get(1);
        assertThat(user).isEqualTo(tree("{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"What is in these images?\"},{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"" + CAT + "\",\"detail\":\"high\"}}]}"));
    }

    @Test
    void anthropicRequestCarriesImageBlocksWithBase64AndUrlSources() {
        fake.on("sk-ant", Script.sse().write(ANTHROPIC_HAPPY));

        Streamed seen = Streamed.of(gateway.stream(look("claude", ContentPart.Image.inline("image/png", PNG, "low"),
                new ContentPart.Image(CAT, null))));

        assertThat(seen.text()).isEqualTo("Hello!");
        assertThat(body("sk-ant")).isEqualTo(tree("{\"model\":\"claude-model\",\"max_tokens\":64,"
                + "\"system\":\"You are terse.\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"What is in these images?\"},{\"type\":\"image\",\"source\":{\"type\":\"base64\","
                + "\"media_type\":\"image/png\",\"data\":\"" + PNG + "\"}},{\"type\":\"image\","
                + "\"source\":{\"type\":\"url\",\"url\":\"" + CAT + "\"}}]}],\"stream\":true}"));
    }

    @Test
    void anthropicSyncRequestCarriesTheSameImageBlocks() {
        fake.on("sk-ant", Script.json(200, ANTHROPIC_ANSWER));

        ChatResult result = gateway.complete(look("claude", ContentPart.Image.inline("image/jpeg", JPEG, null)))
                .block(TIMEOUT);

        assertThat(result.content()).isEqualTo("Hello!");
        assertThat(body("sk-ant").path("messages")).isEqualTo(tree("[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"What is in these images?\"},{\"type\":\"image\","
                + "\"source\":{\"type\":\"base64\",\"media_type\":\"image/jpeg\",\"data\":\"" + JPEG + "\"}}]}]"));
    }

    @Test
    void geminiRequestCarriesInlineImagesAsInlineData() {
        fake.on("AIza-g", Script.json(200, GEMINI_ANSWER));

        ChatResult result = gateway.complete(look("gemini", ContentPart.Image.inline("image/png", PNG, "low"),
                ContentPart.Image.inline("image/jpeg", JPEG, null))).block(TIMEOUT);

        assertThat(result.content()).isEqualTo("Hello!");
        assertThat(body("AIza-g")).isEqualTo(tree("{\"systemInstruction\":{\"parts\":[{\"text\":\"You are terse.\"}]},"
                + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"What is in these images?\"},"
                + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + PNG + "\"}},"
                + "{\"inlineData\":{\"mimeType\":\"image/jpeg\",\"data\":\"" + JPEG + "\"}}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":64}}"));
    }

    @Test
    void geminiStreamedRequestCarriesTheSameInlineData() {
        fake.on("AIza-g", Script.sse().write(geminiStream("\r\n\r\n")));

        Streamed seen = Streamed.of(gateway.stream(look("gemini", ContentPart.Image.inline("image/png", PNG, null))));

        assertThat(seen.text()).isEqualTo(GEMINI_TEXT);
        Recorded request = fake.requestsWith("AIza-g").get(0);
        assertThat(request.uri()).isEqualTo("/v1beta/models/gemini-model:streamGenerateContent?alt=sse");
        assertThat(JSON.readTree(request.body()).path("contents")).isEqualTo(tree("[{\"role\":\"user\","
                + "\"parts\":[{\"text\":\"What is in these images?\"},{\"inlineData\":{\"mimeType\":\"image/png\","
                + "\"data\":\"" + PNG
                + "\"}}]}]"));
    }

    private static ChatCommand look(String provider, ContentPart.Image... images) {
        List<ContentPart> parts = new ArrayList<>();
        parts.add(new ContentPart.Text("What is in these images?"));
        parts.addAll(List.of(images));
        List<ChatMessage> messages = List.of(new ChatMessage("system", "You are terse."),
                new ChatMessage("user", parts, List.of(), null, null));
        return ChatCommand.builder("images-" + provider, Surface.OPENAI, messages).provider(provider).build();
    }

    private JsonNode body(String key) {
        List<Recorded> requests = fake.requestsWith(key);
        assertThat(requests).hasSize(1);
        return JSON.readTree(requests.get(0).body());
    }

    private static JsonNode tree(String json) {
        return JSON.readTree(json);
    }
}
