package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.Passthrough;
import dev.switchboard.chat.SentBody;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.providers.UpstreamRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** What an OpenAI-format client's body becomes upstream: its own bytes wherever the gateway need not change a field. */
class OpenAiRequestsTest {

    private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

    private final JsonMapper json = JsonMapper.builder().build();

    private String relayed(String sent, @Nullable Integer maxTokens, boolean stream) {
        byte[] bytes = sent.getBytes(StandardCharsets.UTF_8);
        Passthrough relay = new Passthrough(WireFormat.OPENAI, (ObjectNode) json.readTree(bytes), List.of(),
                new SentBody(bytes, -1, -1));
        ChatCommand command = ChatCommand.builder("r", Surface.OPENAI, List.of(new ChatMessage("user", "Hi"))).build();
        UpstreamRequest request = new UpstreamRequest("upstream-model", maxTokens, command, relay, null);
        return new String(OpenAiRequests.body(json, request, stream), StandardCharsets.UTF_8);
    }

    @Test
    void aBodyThatNeedsOnlyItsModelIsTheClientsBytesWithTheModelReplaced() {
        String sent = "{\"model\":\"auto\", " + MESSAGES + ",\"max_tokens\":16,\"x_new\":1.50}";

        assertThat(relayed(sent, 16, false)).isEqualTo(sent.replace("\"auto\"", "\"upstream-model\""));
    }

    @Test
    void theModelsDefaultLimitGoesFirstWhenTheClientSentNone() {
        String sent = "{\"model\":\"auto\"," + MESSAGES + "}";

        assertThat(relayed(sent, 64, false))
                .isEqualTo("{\"max_tokens\":64,\"model\":\"upstream-model\"," + MESSAGES + "}");
    }

    @Test
    void aStreamAsksForStreamingAndForUsageFirstAndKeepsEveryOtherByte() {
        String sent = " {\"model\":\"auto\", " + MESSAGES + ",\"x_new\":{\"a\":[1, 2]}}";

        assertThat(relayed(sent, null, true)).isEqualTo(" {\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"model\":\"upstream-model\", " + MESSAGES + ",\"x_new\":{\"a\":[1, 2]}}");
        assertThat(relayed("{\"model\":\"auto\",\"stream\":true," + MESSAGES + "}", 64, true))
                .isEqualTo("{\"max_tokens\":64,\"stream_options\":{\"include_usage\":true},\"model\":\"upstream-model\","
                        + "\"stream\":true," + MESSAGES + "}");
    }

    @Test
    void aStreamWhoseClientAlreadyAskedForUsageIsRelayedAsSent() {
        String sent = "{\"model\":\"auto\",\"stream\":true,\"stream_options\":{\"include_usage\":true}," + MESSAGES + "}";

        assertThat(relayed(sent, null, true)).isEqualTo(sent.replace("\"auto\"", "\"upstream-model\""));
    }

    @Test
    void fieldsTheClientSetOtherwiseAreChangedInTheTreeNotAddedTwice() {
        ObjectNode usageOff = (ObjectNode) json.readTree(relayed("{\"model\":\"auto\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":false,\"x\":1}," + MESSAGES + "}", null, true));
        ObjectNode streamOff = (ObjectNode) json.readTree(relayed("{\"model\":\"auto\",\"stream\":false," + MESSAGES + "}",
                null, true));

        assertThat(usageOff.path("stream_options")).isEqualTo(json.readTree("{\"include_usage\":true,\"x\":1}"));
        assertThat(usageOff.path("model").asString()).isEqualTo("upstream-model");
        assertThat(streamOff.path("stream").asBoolean()).isTrue();
        assertThat(streamOff.path("stream_options").path("include_usage").asBoolean()).isTrue();
    }
}
