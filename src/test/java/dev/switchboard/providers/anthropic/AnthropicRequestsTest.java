package dev.switchboard.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatMessage;
import dev.switchboard.providers.UpstreamRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AnthropicRequestsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode wire(UpstreamRequest request, boolean stream) {
        return JSON.valueToTree(AnthropicRequests.toWire(request, stream));
    }

    @Test
    void systemMessagesGoTopLevelAndSameRoleTurnsAreMerged() {
        JsonNode body = wire(new UpstreamRequest("claude-sonnet-4-5", List.of(
                new ChatMessage("system", "Be terse."), new ChatMessage("developer", "Use French."),
                new ChatMessage("user", "Hi"), new ChatMessage("user", "Again"),
                new ChatMessage("assistant", "Salut"), new ChatMessage("user", "Bye")), 100, 0.5), true);

        assertThat(body.path("system").asString()).isEqualTo("Be terse.\n\nUse French.");
        assertThat(body.path("messages")).hasSize(3);
        assertThat(body.path("messages").get(0).path("content").asString()).isEqualTo("Hi\n\nAgain");
        assertThat(body.path("messages").get(1).path("role").asString()).isEqualTo("assistant");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(100);
        assertThat(body.path("stream").asBoolean()).isTrue();
    }

    @Test
    void maxTokensIsAlwaysSentAndTemperatureIsClampedToAnthropicsRange() {
        JsonNode body = wire(new UpstreamRequest("m", List.of(new ChatMessage("user", "Hi")), null, 1.7), false);

        assertThat(body.path("max_tokens").asInt()).isEqualTo(AnthropicClient.DEFAULT_MAX_TOKENS);
        assertThat(body.path("temperature").asDouble()).isEqualTo(1.0);
        assertThat(body.has("system")).isFalse();
        assertThat(body.has("stream")).isFalse();
    }
}
