package dev.switchboard.conformance;

import static dev.switchboard.testsupport.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.Tool;
import dev.switchboard.chat.ToolCall;
import dev.switchboard.chat.ToolChoice;
import dev.switchboard.chat.Usage;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.testsupport.FakeUpstream;
import dev.switchboard.testsupport.FakeUpstream.Recorded;
import dev.switchboard.testsupport.FakeUpstream.Script;
import dev.switchboard.testsupport.Gateway;
import dev.switchboard.testsupport.Options;
import dev.switchboard.testsupport.Streamed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tool rows of the fidelity table, both directions, for each wire format: the {@code tools}, tool choice
 * and {@code parallel_tool_calls} the fake receives; tool calls and their finish reason in whole answers; tool
 * calls streamed with their arguments cut across chunks (OpenAI, Anthropic; Gemini sends each call whole) and
 * across TCP reads, put together again; and a whole round trip (call, result, answer) with the second request's
 * body as the fake saw it.
 */
class ToolCallConformanceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static final String WEATHER_SCHEMA = "{\"type\":\"object\","
            + "\"properties\":{\"location\":{\"type\":\"string\"},\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\","
            + "\"fahrenheit\"]}},\"required\":[\"location\"]}";
    private static final Tool WEATHER = new Tool("get_weather", "Current weather at a place",
            JSON.readTree(WEATHER_SCHEMA), true);
    private static final Tool TIME = new Tool("get_time", null, null, null);
    private static final List<ChatMessage> ASK = List.of(new ChatMessage("system", "You are terse."),
            new ChatMessage("user", "Weather and time in Paris?"));

    private static final String WEATHER_ARGS = "{\"location\":\"Paris, France\",\"unit\":\"celsius\"}";
    private static final String TIME_ARGS = "{\"tz\":\"Europe/Paris\"}";
    private static final String WEATHER_RESULT = "{\"temperature\":21,\"unit\":\"celsius\"}";
    private static final String FINAL_TEXT = "21 °C and sunny; it is 14:05.";
    private static final String CALL_ID_PATTERN = "call_[0-9a-f]{24}";

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

    // --- canonical request -> wire ------------------------------------------------------------------------

    @Test
    void openAiRequestCarriesFunctionToolsEveryToolChoiceAndParallelToolCalls() {
        fake.on("sk-oa", Script.json(200, OPENAI_ANSWER));

        for (ChatCommand command : everyToolChoice("openai", true)) {
            complete(command);
        }

        String tools = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"description\":\"Current weather at a place\",\"parameters\":" + WEATHER_SCHEMA + ","
                + "\"strict\":true}},{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}]";
        String base = "{\"model\":\"openai-model\",\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},"
                + "{\"role\":\"user\",\"content\":\"Weather and time in Paris?\"}],\"max_tokens\":64,"
                + "\"tools\":" + tools;
        assertThat(bodies("sk-oa")).containsExactly(
                tree(base + ",\"tool_choice\":\"none\"}"),
                tree(base + ",\"tool_choice\":\"auto\"}"),
                tree(base + ",\"tool_choice\":\"required\"}"),
                tree(base + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}},"
                        + "\"parallel_tool_calls\":false}"),
                tree(base + ",\"parallel_tool_calls\":false}"));
        assertThat(fake.requestsWith("sk-oa")).extracting(Recorded::uri).containsOnly("/v1/chat/completions");
    }

    @Test
    void anthropicRequestCarriesInputSchemasEveryToolChoiceAndDisableParallelToolUse() {
        fake.on("sk-ant", Script.json(200, ANTHROPIC_ANSWER));

        for (ChatCommand command : everyToolChoice("claude", true)) {
            complete(command);
        }

        String tools = "[{\"name\":\"get_weather\",\"description\":\"Current weather at a place\",\"input_schema\":"
                + WEATHER_SCHEMA + "},{\"name\":\"get_time\",\"input_schema\":{\"type\":\"object\"}}]";
        String base = "{\"model\":\"claude-model\",\"max_tokens\":64,\"system\":\"You are terse.\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather and time in Paris?\"}],\"tools\":" + tools;
        assertThat(bodies("sk-ant")).containsExactly(
                tree(base + ",\"tool_choice\":{\"type\":\"none\"}}"),
                tree(base + ",\"tool_choice\":{\"type\":\"auto\"}}"),
                tree(base + ",\"tool_choice\":{\"type\":\"any\"}}"),
                tree(base + ",\"tool_choice\":{\"type\":\"tool\",\"name\":\"get_weather\","
                        + "\"disable_parallel_tool_use\":true}}"),
                tree(base + ",\"tool_choice\":{\"type\":\"auto\",\"disable_parallel_tool_use\":true}}"));
        assertThat(fake.requestsWith("sk-ant")).extracting(Recorded::uri).containsOnly("/v1/messages");
    }

    /** Gemini cannot turn parallel calls off: that refusal is in {@link RefusalConformanceTest}. */
    @Test
    void geminiRequestCarriesFunctionDeclarationsAndFunctionCallingConfig() {
        fake.on("AIza-g", Script.json(200, GEMINI_ANSWER));

        for (ChatCommand command : everyToolChoice("gemini", false)) {
            complete(command);
        }

        String tools = "[{\"functionDeclarations\":[{\"name\":\"get_weather\","
                + "\"description\":\"Current weather at a place\",\"parametersJsonSchema\":" + WEATHER_SCHEMA + "},"
                + "{\"name\":\"get_time\"}]}]";
        String base = "{\"systemInstruction\":{\"parts\":[{\"text\":\"You are terse.\"}]},"
                + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Weather and time in Paris?\"}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":64},\"tools\":" + tools;
        assertThat(bodies("AIza-g")).containsExactly(
                tree(base + ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"NONE\"}}}"),
                tree(base + ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"AUTO\"}}}"),
                tree(base + ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\"}}}"),
                tree(base + ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\","
                        + "\"allowedFunctionNames\":[\"get_weather\"]}}}"),
                tree(base + "}"));
        assertThat(fake.requestsWith("AIza-g")).extracting(Recorded::uri)
                .containsOnly("/v1beta/models/gemini-model:generateContent");
    }

    // --- wire answer -> canonical: whole answers ---------------------------------------------------------

    @Test
    void openAiAnswerWithToolCallsGivesTheCallsAndFinishToolCalls() {
        fake.on("sk-oa", Script.json(200, "{\"id\":\"chatcmpl-9lY1\",\"object\":\"chat.completion\","
                + "\"created\":1721000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":null,"
                + "\"tool_calls\":[{\"id\":\"call_DdmO9pD3xa9XTPNJ32zg2hcA\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":" + JSON.writeValueAsString(WEATHER_ARGS) + "}},"
                + "{\"id\":\"call_Kx3Nq8QmWv2LzR7tYp0aBcDe\",\"type\":\"function\",\"function\":{\"name\":\"get_time\","
                + "\"arguments\":" + JSON.writeValueAsString(TIME_ARGS) + "}}],\"refusal\":null,\"annotations\":[]},"
                + "\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":82,"
                + "\"completion_tokens\":40,\"total_tokens\":122},\"system_fingerprint\":\"fp_44709d6fcb\"}"));

        ChatResult result = complete(ask("openai").build());

        assertThat(result.toolCalls()).containsExactly(
                new ToolCall("call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather", WEATHER_ARGS),
                new ToolCall("call_Kx3Nq8QmWv2LzR7tYp0aBcDe", "get_time", TIME_ARGS));
        assertThat(result.content()).isEmpty();
        assertThat(result.finishReason()).isEqualTo("tool_calls");
        assertThat(result.usage()).isEqualTo(new Usage(82, 40, 122, false));
    }

    @Test
    void anthropicAnswerWithToolUseBlocksGivesTheCallsTheTextAndFinishToolCalls() {
        fake.on("sk-ant", Script.json(200, "{\"id\":\"msg_01Aq9w938a90dw8q\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"Let me check.\"},{\"type\":\"tool_use\",\"id\":\"toolu_01A09q90qw90lq917835lq9\","
                + "\"name\":\"get_weather\",\"input\":{\"location\": \"Paris, France\", \"unit\": \"celsius\"}},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_02B8s7d6f5g4h3j2k1l0m9n8\",\"name\":\"get_time\","
                + "\"input\":{\"tz\": \"Europe/Paris\"}}],\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":472,\"output_tokens\":89}}"));

        ChatResult result = complete(ask("claude").build());

        assertThat(result.toolCalls()).containsExactly(
                new ToolCall("toolu_01A09q90qw90lq917835lq9", "get_weather", WEATHER_ARGS),
                new ToolCall("toolu_02B8s7d6f5g4h3j2k1l0m9n8", "get_time", TIME_ARGS));
        assertThat(result.content()).isEqualTo("Let me check.");
        assertThat(result.finishReason()).isEqualTo("tool_calls");
        assertThat(result.usage()).isEqualTo(new Usage(472, 89, 561, false));
    }

    @Test
    void geminiAnswerWithFunctionCallPartsGivesCallsWithMadeUpIdsAndFinishToolCalls() {
        fake.on("AIza-g", Script.json(200, "{\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"name\": "
                + "\"get_weather\",\"args\": {\"location\": \"Paris, France\",\"unit\": \"celsius\"}}},"
                + "{\"functionCall\": {\"name\": \"get_time\",\"args\": {\"tz\": \"Europe/Paris\"}}}],"
                + "\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],"
                + "\"usageMetadata\": {\"promptTokenCount\": 60,\"candidatesTokenCount\": 18,\"totalTokenCount\": 78},"
                + "\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"mKx1aP2dAcS6nvgPq5yJ8Ak\"}"));

        ChatResult result = complete(ask("gemini").build());

        assertThat(result.toolCalls()).extracting(ToolCall::name, ToolCall::arguments).containsExactly(
                tuple("get_weather", WEATHER_ARGS),
                tuple("get_time", TIME_ARGS));
        assertThat(result.toolCalls()).extracting(ToolCall::id).allMatch(id -> id.matches(CALL_ID_PATTERN))
                .doesNotHaveDuplicates();
        assertThat(result.content()).isEmpty();
        assertThat(result.finishReason()).as("Gemini says STOP; with calls it is tool_calls").isEqualTo("tool_calls");
        assertThat(result.usage()).isEqualTo(new Usage(60, 18, 78, false));
    }

    @Test
    void geminiFunctionCallIdIsKeptWhenGeminiGivesOne() {
        fake.on("AIza-g", Script.json(200, "{\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"id\": "
                + "\"fc-7a1d\",\"name\": \"get_time\",\"args\": {\"tz\": \"Europe/Paris\"}}}],\"role\": \"model\"},"
                + "\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 60,"
                + "\"candidatesTokenCount\": 9,\"totalTokenCount\": 69}}"));

        ChatResult result = complete(ask("gemini").build());

        assertThat(result.toolCalls()).containsExactly(new ToolCall("fc-7a1d", "get_time", TIME_ARGS));
    }

    // --- wire answer -> canonical: streams ---------------------------------------------------------------

    @Test
    void streamsOpenAiToolCallArgumentsSplitAcrossChunksAndTcpReads() {
        fake.on("sk-oa", Script.sse().writeCut(openAiToolStream(),
                "\"get_w|eather\"",                     // inside the first event's JSON
                "da|ta: ",                              // inside the next event's data: prefix
                "ation\\|\":\\\"Par",                   // between a backslash and the quote it escapes
                "\"usage\":null}\n|\n",                 // between the two line feeds that end an event
                "Europe/\"}}]},\"logprobs\":nu|ll"));  // inside a later event, after the second call's fragment

        Streamed seen = Streamed.of(gateway.stream(ask("openai").build()));

        assertThat(seen.toolCallFragments()).containsExactly(
                new StreamEvent.ToolCallDelta(0, 0, "call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather", ""),
                new StreamEvent.ToolCallDelta(0, 0, null, null, "{\"loc"),
                new StreamEvent.ToolCallDelta(0, 0, null, null, "ation\":\"Par"),
                new StreamEvent.ToolCallDelta(0, 0, null, null, "is, France\",\"unit\":\"celsius\"}"),
                new StreamEvent.ToolCallDelta(0, 1, "call_Kx3Nq8QmWv2LzR7tYp0aBcDe", "get_time", ""),
                new StreamEvent.ToolCallDelta(0, 1, null, null, "{\"tz\":\"Europe/"),
                new StreamEvent.ToolCallDelta(0, 1, null, null, "Paris\"}"));
        List<ToolCall> calls = List.of(new ToolCall("call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather", WEATHER_ARGS),
                new ToolCall("call_Kx3Nq8QmWv2LzR7tYp0aBcDe", "get_time", TIME_ARGS));
        assertThat(seen.toolCallsFromFragments()).isEqualTo(calls);
        assertThat(seen.result().toolCalls()).as("put together by the gateway").isEqualTo(calls);
        assertThat(seen.text()).isEmpty();
        assertThat(seen.result().finishReason()).isEqualTo("tool_calls");
        assertThat(seen.result().usage()).isEqualTo(new Usage(82, 40, 122, false));
    }

    @Test
    void streamsAnthropicInputJsonDeltasSplitAcrossChunksAndTcpReads() {
        fake.on("sk-ant", Script.sse().writeCut(anthropicToolStream(),
                "event: content_block_st|art\ndata: {\"type\":\"content_block_start\","
                        + "\"index\":1",  // inside an event name
                "\"toolu_01T1x1|fJ34qAmk2tNTrN7Up6\"",                                          // inside the call's id
                "\"partial_json\":\"{\\\"lo|c\"",                                                // inside a fragment
                "\"partial_json\":\"ation\\|\": ",                                               // inside an escape
                "{\"type\":\"content_block_stop\","
                        + "\"index\":1}\n|\n"));                           // between two line feeds

        Streamed seen = Streamed.of(gateway.stream(ask("claude").build()));

        assertThat(seen.text()).isEqualTo("Let me check.");
        assertThat(seen.toolCallFragments()).containsExactly(
                new StreamEvent.ToolCallDelta(0, 0, "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather", ""),
                new StreamEvent.ToolCallDelta(0, 0, null, null, ""),    // the empty first input_json_delta, as sent
                new StreamEvent.ToolCallDelta(0, 0, null, null, "{\"loc"),
                new StreamEvent.ToolCallDelta(0, 0, null, null, "ation\": \"Par"),
                new StreamEvent.ToolCallDelta(0, 0, null, null, "is, France\", \"unit\": \"celsius\"}"),
                new StreamEvent.ToolCallDelta(0, 1, "toolu_02B8s7d6f5g4h3j2k1l0m9n8", "get_time", ""),
                new StreamEvent.ToolCallDelta(0, 1, null, null, "{\"tz\": \"Europe/Paris\"}"));
        List<ToolCall> calls = List.of(
                new ToolCall("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather",
                        "{\"location\": \"Paris, France\", \"unit\": \"celsius\"}"),
                new ToolCall("toolu_02B8s7d6f5g4h3j2k1l0m9n8", "get_time", "{\"tz\": \"Europe/Paris\"}"));
        assertThat(seen.toolCallsFromFragments()).isEqualTo(calls);
        assertThat(seen.result().toolCalls()).as("put together by the gateway").isEqualTo(calls);
        assertThat(seen.result().finishReason()).isEqualTo("tool_calls");
        assertThat(seen.result().usage()).isEqualTo(new Usage(472, 89, 561, false));
    }

    /** Gemini sends every call whole, in one part; only the TCP reads can cut it. */
    @Test
    void streamsGeminiFunctionCallsSplitAcrossTcpReadsWithIdsMadeUpOnce() {
        fake.on("AIza-g", Script.sse().writeCut(geminiToolStream(),
                "\"Par|is, France\"",        // inside the arguments
                "\r\n\r|\n",                // inside the separator
                "\"get_|time\""));          // inside the second call's name

        Streamed seen = Streamed.of(gateway.stream(ask("gemini").build()));

        List<StreamEvent.ToolCallDelta> fragments = seen.toolCallFragments();
        assertThat(fragments).extracting(StreamEvent.ToolCallDelta::choice, StreamEvent.ToolCallDelta::index,
                StreamEvent.ToolCallDelta::name, StreamEvent.ToolCallDelta::arguments).containsExactly(
                tuple(0, 0, "get_weather", WEATHER_ARGS),
                tuple(0, 1, "get_time", TIME_ARGS));
        assertThat(fragments).extracting(StreamEvent.ToolCallDelta::id).allMatch(id -> id.matches(CALL_ID_PATTERN))
                .doesNotHaveDuplicates();
        assertThat(seen.result().toolCalls()).as("the ids the client saw").isEqualTo(seen.toolCallsFromFragments());
        assertThat(seen.result().finishReason()).isEqualTo("tool_calls");
        assertThat(seen.result().usage()).isEqualTo(new Usage(60, 18, 78, false));
    }

    /** Text before a call in one chunk comes before it, as a model that says what it is about to do means it. */
    @Test
    void streamsGeminiTextAndFunctionCallPartsInTheirOrder() {
        fake.on("AIza-g", Script.sse().write("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": "
                + "\"Let me check.\"},{\"functionCall\": {\"name\": \"get_time\",\"args\": {\"tz\": \"Europe/Paris\"}}},"
                + "{\"text\": \" One moment.\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],"
                + "\"usageMetadata\": {\"promptTokenCount\": 60,\"candidatesTokenCount\": 14,\"totalTokenCount\": 74}}"
                + "\r\n\r\n"));

        Streamed seen = Streamed.of(gateway.stream(ask("gemini").build()));

        List<String> order = seen.events().stream()
                .filter(e -> e instanceof StreamEvent.Text || e instanceof StreamEvent.ToolCallDelta)
                .map(e -> e instanceof StreamEvent.Text text ? "text:" + text.delta()
                        : "call:" + ((StreamEvent.ToolCallDelta) e).name())
                .toList();
        assertThat(order).containsExactly("text:Let me check.", "call:get_time", "text: One moment.");
        assertThat(seen.result().finishReason()).isEqualTo("tool_calls");
    }

    // --- round trips -------------------------------------------------------------------------------------

    @Test
    void openAiToolRoundTripSendsTheCallsAndTheirResultsBack() {
        fake.on("sk-oa", Script.sse().write(openAiToolStream()));
        Streamed call = Streamed.of(gateway.stream(ask("openai").build()));
        fake.on("sk-oa", Script.sse().write(OPENAI_ROLE + openAiText(FINAL_TEXT) + OPENAI_FINISH + OPENAI_USAGE
                + DONE));

        Streamed answer = Streamed.of(gateway.stream(withResults("openai", call)));

        assertThat(answer.text()).isEqualTo(FINAL_TEXT);
        assertThat(answer.result().finishReason()).isEqualTo("stop");
        List<Recorded> requests = fake.requestsWith("sk-oa");
        assertThat(requests).hasSize(2);
        assertThat(JSON.readTree(requests.get(1).body())).isEqualTo(tree("{\"model\":\"openai-model\","
                + "\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"user\","
                + "\"content\":\"Weather and time in Paris?\"},{\"role\":\"assistant\",\"content\":null,"
                + "\"tool_calls\":[{\"id\":\"call_DdmO9pD3xa9XTPNJ32zg2hcA\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":" + JSON.writeValueAsString(WEATHER_ARGS) + "}},"
                + "{\"id\":\"call_Kx3Nq8QmWv2LzR7tYp0aBcDe\",\"type\":\"function\",\"function\":{\"name\":\"get_time\","
                + "\"arguments\":" + JSON.writeValueAsString(TIME_ARGS) + "}}]},{\"role\":\"tool\","
                + "\"tool_call_id\":\"call_DdmO9pD3xa9XTPNJ32zg2hcA\",\"content\":"
                + JSON.writeValueAsString(WEATHER_RESULT) + "},{\"role\":\"tool\","
                + "\"tool_call_id\":\"call_Kx3Nq8QmWv2LzR7tYp0aBcDe\",\"content\":\"14:05\"}],\"max_tokens\":64,"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"description\":\"Current weather at a place\","
                + "\"parameters\":" + WEATHER_SCHEMA + ",\"strict\":true}},{\"type\":\"function\","
                + "\"function\":{\"name\":\"get_time\"}}]}"));
    }

    /** Consecutive tool messages become one user turn of {@code tool_result} blocks. */
    @Test
    void anthropicToolRoundTripSendsToolUseBlocksAndToolResultsInOneUserTurn() {
        fake.on("sk-ant", Script.sse().write(anthropicToolStream()));
        Streamed call = Streamed.of(gateway.stream(ask("claude").build()));
        fake.on("sk-ant", Script.sse().write(ANTHROPIC_MESSAGE_START + ANTHROPIC_BLOCK_START + anthropicText(FINAL_TEXT)
                + ANTHROPIC_BLOCK_STOP + ANTHROPIC_MESSAGE_DELTA + ANTHROPIC_MESSAGE_STOP));

        Streamed answer = Streamed.of(gateway.stream(withResults("claude", call)));

        assertThat(answer.text()).isEqualTo(FINAL_TEXT);
        assertThat(answer.result().finishReason()).isEqualTo("stop");
        List<Recorded> requests = fake.requestsWith("sk-ant");
        assertThat(requests).hasSize(2);
        assertThat(JSON.readTree(requests.get(1).body())).isEqualTo(tree("{\"model\":\"claude-model\","
                + "\"max_tokens\":64,\"system\":\"You are terse.\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Weather and time in Paris?\"},{\"role\":\"assistant\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"Let me check.\"},{\"type\":\"tool_use\",\"id\":\"toolu_01T1x1fJ34qAmk2tNTrN7Up6\","
                + "\"name\":\"get_weather\",\"input\":"
                + WEATHER_ARGS + "},{\"type\":\"tool_use\",\"id\":\"toolu_02B8s7d6f5g4h3j2k1l0m9n8\","
                + "\"name\":\"get_time\",\"input\":"
                + TIME_ARGS + "}]},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
                + "\"tool_use_id\":\"toolu_01T1x1fJ34qAmk2tNTrN7Up6\","
                + "\"content\":" + JSON.writeValueAsString(WEATHER_RESULT) + "},{\"type\":\"tool_result\","
                + "\"tool_use_id\":\"toolu_02B8s7d6f5g4h3j2k1l0m9n8\",\"content\":\"14:05\"}]}],\"stream\":true,"
                + "\"tools\":[{\"name\":\"get_weather\",\"description\":\"Current weather at a place\","
                + "\"input_schema\":" + WEATHER_SCHEMA + "},{\"name\":\"get_time\","
                + "\"input_schema\":{\"type\":\"object\"}}]}"));
    }

    /**
     * A {@code functionResponse} is named after the call it answers (found by the id the gateway made up); a JSON
     * object result goes as it is, plain text as {@code {"content": ...}}.
     */
    @Test
    void geminiToolRoundTripSendsFunctionCallsAndFunctionResponsesNamedAfterTheirCalls() {
        fake.on("AIza-g", Script.sse().write(geminiToolStream()));
        Streamed call = Streamed.of(gateway.stream(ask("gemini").build()));
        fake.on("AIza-g", Script.sse().write(geminiStream("\r\n\r\n")));

        Streamed answer = Streamed.of(gateway.stream(withResults("gemini", call)));

        assertThat(answer.text()).isEqualTo(GEMINI_TEXT);
        assertThat(answer.result().finishReason()).isEqualTo("stop");
        List<Recorded> requests = fake.requestsWith("AIza-g");
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).uri()).isEqualTo("/v1beta/models/gemini-model:streamGenerateContent?alt=sse");
        assertThat(JSON.readTree(requests.get(1).body())).isEqualTo(tree("{\"systemInstruction\":"
                + "{\"parts\":[{\"text\":\"You are terse.\"}]},\"contents\":[{\"role\":\"user\","
                + "\"parts\":[{\"text\":\"Weather and time in Paris?\"}]},{\"role\":\"model\","
                + "\"parts\":[{\"functionCall\":{\"name\":\"get_weather\",\"args\":" + WEATHER_ARGS + "}},"
                + "{\"functionCall\":{\"name\":\"get_time\",\"args\":" + TIME_ARGS + "}}]},{\"role\":\"user\","
                + "\"parts\":[{\"functionResponse\":{\"name\":\"get_weather\",\"response\":"
                + WEATHER_RESULT + "}},{\"functionResponse\":{\"name\":\"get_time\","
                + "\"response\":{\"content\":\"14:05\"}}}]}],"
                + "\"tools\":[{\"functionDeclarations\":[{\"name\":\"get_weather\","
                + "\"description\":\"Current weather at a place\",\"parametersJsonSchema\":" + WEATHER_SCHEMA + "},"
                + "{\"name\":\"get_time\"}]}],\"generationConfig\":{\"maxOutputTokens\":64}}"));
    }

    // --- helpers -----------------------------------------------------------------------------------------

    private static ChatCommand.Builder ask(String provider) {
        return ChatCommand.builder("tools-" + provider, Surface.OPENAI, ASK).provider(provider)
                .tools(List.of(WEATHER, TIME));
    }

    /** none, auto, required, named (with parallel calls off where the format can say so), parallel off alone. */
    private static List<ChatCommand> everyToolChoice(String provider, boolean canDisableParallelCalls) {
        List<ChatCommand> commands = new ArrayList<>();
        commands.add(ask(provider).toolChoice(ToolChoice.NONE).build());
        commands.add(ask(provider).toolChoice(ToolChoice.AUTO).build());
        commands.add(ask(provider).toolChoice(ToolChoice.REQUIRED).build());
        if (canDisableParallelCalls) {
            commands.add(ask(provider).toolChoice(ToolChoice.named("get_weather"))
                    .options(Options.parallelToolCalls(false)).build());
            commands.add(ask(provider).options(Options.parallelToolCalls(false)).build());
        } else {
            commands.add(ask(provider).toolChoice(ToolChoice.named("get_weather")).build());
            commands.add(ask(provider).build());
        }
        return commands;
    }

    /** The question, the assistant turn that called the tools (with its text), and both results, in order. */
    private static ChatCommand withResults(String provider, Streamed call) {
        List<ToolCall> calls = call.result().toolCalls();
        assertThat(calls).extracting(ToolCall::name).containsExactly("get_weather", "get_time");
        List<ChatMessage> messages = new ArrayList<>(ASK);
        messages.add(ChatMessage.toolCalls(call.text(), calls));
        messages.add(ChatMessage.toolResult(calls.get(0).id(), null, WEATHER_RESULT));
        messages.add(ChatMessage.toolResult(calls.get(1).id(), null, "14:05"));
        return ChatCommand.builder("tools-" + provider + "-2", Surface.OPENAI, messages).provider(provider)
                .tools(List.of(WEATHER, TIME)).build();
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

    /** Section 1.4's chunk shape with this delta and finish reason (JSON text, {@code null} for none). */
    private static String openAiChunk(String delta, String finishReason) {
        return "data: {\"id\":\"chatcmpl-AB1tools\",\"object\":\"chat.completion.chunk\",\"created\":1727889370,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_f85bea6784\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,"
                + "\"finish_reason\":" + finishReason + "}],\"usage\":null}\n\n";
    }

    private static String openAiArguments(int index, String fragment) {
        return openAiChunk("{\"tool_calls\":[{\"index\":" + index + ",\"function\":{\"arguments\":"
                + JSON.writeValueAsString(fragment) + "}}]}", "null");
    }

    /** Two parallel calls: each starts with its id, type, name and empty arguments; the arguments come in pieces. */
    static String openAiToolStream() {
        return openAiChunk("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"call_DdmO9pD3xa9XTPNJ32zg2hcA\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}],\"refusal\":null}", "null")
                + openAiArguments(0, "{\"loc")
                + openAiArguments(0, "ation\":\"Par")
                + openAiArguments(0, "is, France\",\"unit\":\"celsius\"}")
                + openAiChunk("{\"tool_calls\":[{\"index\":1,\"id\":\"call_Kx3Nq8QmWv2LzR7tYp0aBcDe\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"\"}}]}", "null")
                + openAiArguments(1, "{\"tz\":\"Europe/")
                + openAiArguments(1, "Paris\"}")
                + openAiChunk("{}", "\"tool_calls\"")
                + "data: {\"id\":\"chatcmpl-AB1tools\",\"object\":\"chat.completion.chunk\",\"created\":1727889370,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_f85bea6784\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":82,\"completion_tokens\":40,\"total_tokens\":122}}\n\n"
                + DONE;
    }

    private static String anthropicEvent(String type, String data) {
        return "event: " + type + "\ndata: " + data + "\n\n";
    }

    private static String inputJson(int block, String fragment) {
        return anthropicEvent("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + block
                + ",\"delta\":{\"type\":\"input_json_delta\","
                + "\"partial_json\":" + JSON.writeValueAsString(fragment) + "}}");
    }

    /** Anthropic's documented tool-use stream (compact JSON): a text block, then two tool_use blocks. */
    static String anthropicToolStream() {
        return anthropicEvent("message_start", "{\"type\":\"message_start\","
                + "\"message\":{\"id\":\"msg_014p7gG3wDgGV9EUtLvnow3U\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-sonnet-4-5-20250929\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":472,"
                + "\"output_tokens\":2},\"content\":[],\"stop_reason\":null}}")
                + anthropicEvent("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                + ANTHROPIC_PING
                + anthropicEvent("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Let me check.\"}}")
                + anthropicEvent("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + anthropicEvent("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,"
                + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01T1x1fJ34qAmk2tNTrN7Up6\","
                + "\"name\":\"get_weather\",\"input\":{}}}")
                + inputJson(1, "")
                + inputJson(1, "{\"loc")
                + inputJson(1, "ation\": \"Par")
                + inputJson(1, "is, France\", \"unit\": \"celsius\"}")
                + anthropicEvent("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}")
                + anthropicEvent("content_block_start", "{\"type\":\"content_block_start\",\"index\":2,"
                + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_02B8s7d6f5g4h3j2k1l0m9n8\","
                + "\"name\":\"get_time\",\"input\":{}}}")
                + inputJson(2, "{\"tz\": \"Europe/Paris\"}")
                + anthropicEvent("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}")
                + anthropicEvent("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":89}}")
                + ANTHROPIC_MESSAGE_STOP;
    }

    /** Two chunks, one whole call each (Gemini's spacing, {@code \r\n\r\n}); the second has STOP and the usage. */
    static String geminiToolStream() {
        return "data: {\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"name\": \"get_weather\","
                + "\"args\": {\"location\": \"Paris, France\",\"unit\": \"celsius\"}}}],\"role\": \"model\"},"
                + "\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 60,\"totalTokenCount\": 60},"
                + "\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"mKx1aP2dAcS6nvgPq5yJ8Ak\"}\r\n\r\n"
                + "data: {\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"name\": \"get_time\","
                + "\"args\": {\"tz\": \"Europe/Paris\"}}}],\"role\": \"model\"},\"finishReason\": \"STOP\","
                + "\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 60,\"candidatesTokenCount\": 18,"
                + "\"totalTokenCount\": 78},\"modelVersion\": \"gemini-2.5-flash\","
                + "\"responseId\": \"mKx1aP2dAcS6nvgPq5yJ8Ak\"}\r\n\r\n";
    }
}
