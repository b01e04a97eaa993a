package dev.switchboard.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatMessage;
import dev.switchboard.providers.UpstreamRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class GeminiRequestsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode wire(UpstreamRequest request) {
        return JSON.valueToTree(GeminiRequests.toWire(request));
    }

    @Test
    void systemBecomesSystemInstructionAssistantBecomesModelAndSameRoleTurnsShareOneContent() {
        JsonNode body = wire(new UpstreamRequest("gemini-2.0-flash", List.of(new ChatMessage("system", "Be terse."),
                new ChatMessage("user", "Say hello."), new ChatMessage("assistant", "Hello."),
                new ChatMessage("user", "Again."), new ChatMessage("user", "Louder.")), 64, 0.7));

        assertThat(body.path("systemInstruction").path("parts").get(0).path("text").asString()).isEqualTo("Be terse.");
        assertThat(body.path("systemInstruction").has("role")).isFalse();
        assertThat(body.path("contents")).extracting(c -> c.path("role").asString()).containsExactly("user", "model", "user");
        assertThat(body.path("contents").get(2).path("parts")).hasSize(2);
        assertThat(body.path("generationConfig").path("maxOutputTokens").asInt()).isEqualTo(64);
        assertThat(body.path("generationConfig").path("temperature").asDouble()).isEqualTo(0.7);
    }

    @Test
    void onlyFieldsGeminiKnowsAreSent() {
        JsonNode body = wire(new UpstreamRequest("gemini-2.0-flash", List.of(new ChatMessage("user", "Hi")), null, null));

        assertThat(body.propertyNames()).containsExactly("contents");
        assertThat(body.path("contents").get(0).path("parts").get(0).propertyNames()).containsExactly("text");
    }

    @Test
    void modelsPrefixIsAccepted() {
        assertThat(GeminiRequests.modelId("models/gemini-2.0-flash")).isEqualTo("gemini-2.0-flash");
        assertThat(GeminiRequests.modelId("gemini-2.0-flash")).isEqualTo("gemini-2.0-flash");
    }
}
