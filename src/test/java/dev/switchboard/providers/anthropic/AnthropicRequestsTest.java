package dev.switchboard.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.Passthrough;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.providers.UpstreamRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

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

    @Test
    void relayedHistoryLosesOnlyTheGatewaysUnsignedThinkingBlocks() {
        ObjectNode sent = (ObjectNode) JSON.readTree("""
                {"model":"claude-1","max_tokens":50,"messages":[
                  {"role":"user","content":"Hi"},
                  {"role":"assistant","content":[
                    {"type":"thinking","thinking":"mapped from another provider","signature":""},
                    {"type":"thinking","thinking":"Anthropic's own","signature":"c2lnbmVk"},
                    {"type":"text","text":"Hello"}]},
                  {"role":"user","content":"Again"}]}""");
        UpstreamRequest plain = new UpstreamRequest("claude-sonnet-4-5", List.of(new ChatMessage("user", "Hi")), 50, null);
        UpstreamRequest relayed = new UpstreamRequest("claude-sonnet-4-5", 50, plain.command(),
                new Passthrough(WireFormat.ANTHROPIC, sent, List.of()), null);

        JsonNode blocks = wire(relayed, false).path("messages").get(1).path("content");

        assertThat(blocks).hasSize(2);
        assertThat(blocks.get(0).path("signature").asString()).isEqualTo("c2lnbmVk");
        assertThat(blocks.get(1).path("text").asString()).isEqualTo("Hello");
        assertThat(sent.path("messages").get(1).path("content")).as("the client's body is not modified").hasSize(3);
    }
}
