package dev.switchboard.conformance;

import static dev.switchboard.testsupport.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.ResponseFormat;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.Usage;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.testsupport.FakeUpstream;
import dev.switchboard.testsupport.FakeUpstream.Script;
import dev.switchboard.testsupport.Gateway;
import dev.switchboard.testsupport.Streamed;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON-mode row of the fidelity table, both directions: OpenAI's {@code response_format} as sent; Anthropic's
 * forced {@code json_answer} tool whose input schema is the answer's schema, and whose input comes back as the
 * answer text (whole and streamed, cut across TCP reads), never as a tool call; Gemini's {@code responseMimeType}
 * and {@code responseJsonSchema}. Anthropic's refusal of a JSON format together with tools is in
 * {@link RefusalConformanceTest}.
 */
class JsonModeConformanceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
            + "\"temperature\":{\"type\":\"number\"}},\"required\":[\"city\",\"temperature\"],"
            + "\"additionalProperties\":false}";
    private static final ResponseFormat WEATHER = ResponseFormat.schema("weather", JSON.readTree(SCHEMA), true);
    private static final String ANSWER = "{\"city\":\"Paris\",\"temperature\":21}";
    private static final String JSON_TOOL = "{\"name\":\"json_answer\","
            + "\"description\":\"Give your whole answer through this tool, as its input.\",\"input_schema\":";

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
    void openAiRequestCarriesResponseFormatAndTheAnswerIsTheJsonText() {
        fake.on("sk-oa", Script.json(200, OPENAI_ANSWER.replace("\"content\":\"Hello!\"",
                "\"content\":" + JSON.writeValueAsString(ANSWER))));

        ChatResult schema = complete(ask("openai", WEATHER));
        complete(ask("openai", ResponseFormat.JSON_OBJECT));

        assertThat(schema.content()).isEqualTo(ANSWER);
        assertThat(schema.finishReason()).isEqualTo("stop");
        List<JsonNode> bodies = bodies("sk-oa");
        String base = "{\"model\":\"openai-model\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Weather in Paris?\"}],\"max_tokens\":64,\"response_format\":";
        assertThat(bodies).containsExactly(
                tree(base + "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"weather\",\"schema\":" + SCHEMA
                        + ",\"strict\":true}}}"),
                tree(base + "{\"type\":\"json_object\"}}"));
    }

    @Test
    void anthropicRequestForcesTheJsonAnswerToolWithTheSchemaAsItsInputSchema() {
        fake.on("sk-ant", Script.json(200, anthropicJsonAnswer()));

        complete(ask("claude", WEATHER));
        complete(ask("claude", ResponseFormat.JSON_OBJECT));

        String base = "{\"model\":\"claude-model\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Weather in Paris?\"}],\"tool_choice\":{\"type\":\"tool\",\"name\":\"json_answer\"},"
                + "\"tools\":[" + JSON_TOOL;
        assertThat(bodies("sk-ant")).containsExactly(
                tree(base + SCHEMA + "}]}"),
                tree(base + "{\"type\":\"object\"}}]}"));
    }

    @Test
    void anthropicJsonAnswerToolInputComesBackAsTheAnswerTextNotAToolCall() {
        fake.on("sk-ant", Script.json(200, anthropicJsonAnswer()));

        ChatResult result = complete(ask("claude", WEATHER));

        assertThat(result.content()).isEqualTo(ANSWER);
        assertThat(result.toolCalls()).isEmpty();
        assertThat(result.finishReason()).as("the forced tool is the answer, not a call").isEqualTo("stop");
        assertThat(result.usage()).isEqualTo(new Usage(410, 21, 431, false));
    }

    @Test
    void streamsAnthropicJsonAnswerToolInputAsAnswerTextAcrossTcpReads() {
        fake.on("sk-ant", Script.sse().writeCut(anthropicJsonStream(),
                "\"name\":\"json_|answer\"",
                "\"partial_json\":\"{\\\"ci|ty",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"is\\|\"",
                "\"stop_reason\":\"tool_|use\""));

        Streamed seen = Streamed.of(gateway.stream(ask("claude", WEATHER)));

        assertThat(seen.deltas()).containsExactly("{\"city\": \"Par", "is\", \"temperature\": 21}");
        assertThat(seen.toolCallFragments()).isEmpty();
        assertThat(seen.result().toolCalls()).isEmpty();
        assertThat(seen.result().finishReason()).isEqualTo("stop");
        assertThat(seen.result().usage()).isEqualTo(new Usage(410, 21, 431, false));
        assertThat(bodies("sk-ant")).containsExactly(tree("{\"model\":\"claude-model\",\"max_tokens\":64,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}],\"stream\":true,"
                + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"json_answer\"},\"tools\":[" + JSON_TOOL + SCHEMA
                + "}]}"));
    }

    @Test
    void geminiRequestCarriesResponseMimeTypeAndResponseJsonSchema() {
        fake.on("AIza-g", Script.json(200, GEMINI_ANSWER.replace("{\"text\": \"Hello!\"}",
                "{\"text\": " + JSON.writeValueAsString(ANSWER) + "}")));

        ChatResult schema = complete(ask("gemini", WEATHER));
        complete(ask("gemini", ResponseFormat.JSON_OBJECT));

        assertThat(schema.content()).isEqualTo(ANSWER);
        String base = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Weather in Paris?\"}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":64,\"responseMimeType\":\"application/json\"";
        assertThat(bodies("AIza-g")).containsExactly(
                tree(base + ",\"responseJsonSchema\":" + SCHEMA + "}}"),
                tree(base + "}}"));
    }

    @Test
    void geminiStreamedJsonAnswerIsTheText() {
        fake.on("AIza-g", Script.sse()
                .write("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"{\\\"city\\\": \\\"Par\"}],"
                        + "\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 9,"
                        + "\"totalTokenCount\": 9}}\r\n\r\n")
                .write("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": "
                        + "\"is\\\", \\\"temperature\\\": 21}\"}],\"role\": \"model\"},\"finishReason\": \"STOP\","
                        + "\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 9,\"candidatesTokenCount\": 12,"
                        + "\"totalTokenCount\": 21}}\r\n\r\n"));

        Streamed seen = Streamed.of(gateway.stream(ask("gemini", WEATHER)));

        assertThat(seen.text()).isEqualTo("{\"city\": \"Paris\", \"temperature\": 21}");
        assertThat(seen.result().finishReason()).isEqualTo("stop");
        assertThat(JSON.readTree(fake.requestsWith("AIza-g").get(0).body()).path("generationConfig"))
                .isEqualTo(tree("{\"maxOutputTokens\":64,\"responseMimeType\":\"application/json\","
                        + "\"responseJsonSchema\":"
                        + SCHEMA + "}"));
    }

    private static ChatCommand ask(String provider, ResponseFormat format) {
        return ChatCommand.builder("json-" + provider, Surface.OPENAI,
                List.of(new ChatMessage("user", "Weather in Paris?"))).provider(provider).responseFormat(format)
                .build();
    }

    private static String anthropicJsonAnswer() {
        return "{\"id\":\"msg_01JsonAnswer5xq\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"tool_use\","
                + "\"id\":\"toolu_01JsonAnswer9\",\"name\":\"json_answer\",\"input\":{\"city\":\"Paris\","
                + "\"temperature\":21}}],\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":410,\"output_tokens\":21}}";
    }

    private static String event(String type, String data) {
        return "event: " + type + "\ndata: " + data + "\n\n";
    }

    private static String inputJson(String fragment) {
        return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"input_json_delta\","
                + "\"partial_json\":" + JSON.writeValueAsString(fragment) + "}}");
    }

    private static String anthropicJsonStream() {
        return event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01JsonStream\","
                + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[],"
                + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":410,\"output_tokens\":1}}}")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01JsonAnswer9\",\"name\":\"json_answer\","
                + "\"input\":{}}}")
                + inputJson("")
                + inputJson("{\"city\": \"Par")
                + inputJson("is\", \"temperature\": 21}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":21}}")
                + ANTHROPIC_MESSAGE_STOP;
    }

    private ChatResult complete(ChatCommand command) {
        return gateway.complete(command).block(TIMEOUT);
    }

    private List<JsonNode> bodies(String key) {
        return fake.requestsWith(key).stream().map(r -> JSON.readTree(r.body())).toList();
    }

    private static JsonNode tree(String json) {
        return JSON.readTree(json);
    }
}
