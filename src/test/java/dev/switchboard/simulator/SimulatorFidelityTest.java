package dev.switchboard.simulator;

import static dev.switchboard.simulator.RawWire.ANTHROPIC;
import static dev.switchboard.simulator.RawWire.GEMINI;
import static dev.switchboard.simulator.RawWire.GEMINI_STREAM;
import static dev.switchboard.simulator.RawWire.GEMINI_SYNC;
import static dev.switchboard.simulator.RawWire.OPENAI;
import static dev.switchboard.simulator.RawWire.parse;
import static dev.switchboard.simulator.RawWire.splitsInsideAString;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.SimulatorProperties;
import dev.switchboard.config.SimulatorProperties.FaultProbabilities;
import dev.switchboard.simulator.RawWire.Event;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simulator plays tools, tool results, JSON mode, images and reasoning in all three wire formats,
 * sync and streamed, as the providers put them on the wire. Raw HTTP only: no gateway adapter.
 */
class SimulatorFidelityTest {

    /** Offered as SDKs send it: {@code location} and {@code verbose} required, four properties. */
    private static final String WEATHER_SCHEMA = """
            {"type":"object","properties":{"location":{"type":"string","description":"City"},\
            "unit":{"type":"string","enum":["celsius","fahrenheit"]},"days":{"type":"integer"},\
            "verbose":{"type":"boolean"}},"required":["location","verbose"]}""";
    private static final String WEATHER_ARGS = "{\"location\":\"Paris\",\"unit\":\"celsius\",\"verbose\":true}";
    private static final String QUESTION = "What is the weather in Paris?";
    private static final String OPENAI_TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"description\":\"Weather\",\"parameters\":" + WEATHER_SCHEMA + "}}]";
    private static final String ANTHROPIC_TOOLS = "\"tools\":[{\"name\":\"get_time\",\"input_schema\":{\"type\":\"object\","
            + "\"properties\":{\"zone\":{\"type\":\"string\"}}}},{\"name\":\"get_weather\",\"input_schema\":" + WEATHER_SCHEMA + "}]";
    /** Gemini's OpenAPI-style schema: upper-case types. */
    private static final String GEMINI_TOOLS = """
            "tools":[{"functionDeclarations":[{"name":"get_weather","parameters":{"type":"OBJECT","properties":{\
            "location":{"type":"STRING"},"unit":{"type":"STRING","format":"enum","enum":["celsius","fahrenheit"]},\
            "days":{"type":"INTEGER"},"verbose":{"type":"BOOLEAN"}},"required":["location","verbose"]}}]}]""";

    private static SimulatorServer simulator;
    private static RawWire wire;

    @BeforeAll
    static void start() {
        simulator = SimulatorServer.start(new SimulatorProperties(true, "127.0.0.1", 0, Duration.ZERO, Duration.ZERO, 5,
                FaultProbabilities.none()), JsonMapper.builder().build(), Clock.systemUTC());
        wire = new RawWire(simulator.baseUrl());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    private static String openAi(String extra) {
        return "{\"model\":\"gpt-sim\",\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION + "\"}]" + extra + "}";
    }

    private static String anthropic(String extra) {
        return "{\"model\":\"claude-sim\",\"max_tokens\":1024,\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION
                + "\"}]" + extra + "}";
    }

    private static String gemini(String extra) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + QUESTION + "\"}]}]" + extra + "}";
    }

    private static List<JsonNode> data(List<Event> events) {
        return events.stream().filter(e -> !e.data().equals("[DONE]")).map(Event::json).toList();
    }

    @Test
    void answersWithACallOfTheOfferedToolInEachFormat() {
        JsonNode openAi = wire.postJson("/v1/chat/completions", OPENAI, openAi("," + OPENAI_TOOLS)).path("choices").get(0);
        JsonNode message = openAi.path("message");
        assertThat(message.get("content").isNull()).isTrue();
        assertThat(message.path("refusal").isNull()).isTrue();
        JsonNode call = message.path("tool_calls").get(0);
        assertThat(call.path("id").asString()).startsWith("call_sim");
        assertThat(call.path("type").asString()).isEqualTo("function");
        assertThat(call.path("function").path("name").asString()).isEqualTo("get_weather");
        assertThat(call.path("function").path("arguments").asString()).isEqualTo(WEATHER_ARGS);
        assertThat(openAi.path("finish_reason").asString()).isEqualTo("tool_calls");

        String namedTool = ",\"tool_choice\":{\"type\":\"tool\",\"name\":\"get_weather\"}," + ANTHROPIC_TOOLS;
        JsonNode anthropic = wire.postJson("/v1/messages", ANTHROPIC, anthropic(namedTool));
        JsonNode toolUse = anthropic.path("content").get(0);
        assertThat(anthropic.path("content").size()).isEqualTo(1);
        assertThat(toolUse.path("type").asString()).isEqualTo("tool_use");
        assertThat(toolUse.path("id").asString()).startsWith("toolu_sim");
        assertThat(toolUse.path("name").asString()).isEqualTo("get_weather");
        assertThat(toolUse.path("input")).isEqualTo(parse(WEATHER_ARGS));
        assertThat(anthropic.path("stop_reason").asString()).isEqualTo("tool_use");

        JsonNode candidate = wire.postJson(GEMINI_SYNC, GEMINI, gemini("," + GEMINI_TOOLS)).path("candidates").get(0);
        JsonNode functionCall = candidate.path("content").path("parts").get(0).path("functionCall");
        assertThat(functionCall.path("name").asString()).isEqualTo("get_weather");
        assertThat(functionCall.path("args")).isEqualTo(parse(WEATHER_ARGS));
        assertThat(candidate.path("finishReason").asString()).isEqualTo("STOP");
    }

    @Test
    void streamsAToolCallInFragmentsWhenToolsAreOffered() {
        List<Event> events = wire.stream("/v1/chat/completions", OPENAI,
                openAi(",\"stream\":true,\"stream_options\":{\"include_usage\":true}," + OPENAI_TOOLS));
        List<JsonNode> chunks = data(events);

        JsonNode opening = chunks.get(0).path("choices").get(0).path("delta").path("tool_calls").get(0);
        assertThat(opening.path("index").asInt()).isZero();
        assertThat(opening.path("id").asString()).startsWith("call_sim");
        assertThat(opening.path("type").asString()).isEqualTo("function");
        assertThat(opening.path("function").path("name").asString()).isEqualTo("get_weather");
        assertThat(opening.path("function").path("arguments").asString()).isEmpty();
        List<JsonNode> pieces = chunks.subList(1, chunks.size() - 2).stream()
                .map(c -> c.path("choices").get(0).path("delta").path("tool_calls").get(0)).toList();
        assertThat(pieces).allSatisfy(p -> {
            assertThat(p.propertyNames()).containsExactly("index", "function");
            assertThat(p.path("function").propertyNames()).containsExactly("arguments");
        });
        List<String> fragments = pieces.stream().map(p -> p.path("function").path("arguments").asString()).toList();
        assertThat(fragments).allSatisfy(f -> assertThat(f).hasSizeLessThanOrEqualTo(7));
        assertThat(String.join("", fragments)).isEqualTo(WEATHER_ARGS);
        assertThat(splitsInsideAString(fragments)).isTrue();
        assertThat(chunks.get(chunks.size() - 2).path("choices").get(0).path("finish_reason").asString()).isEqualTo("tool_calls");
        assertThat(chunks.get(chunks.size() - 1).path("choices").isEmpty()).isTrue();
        assertThat(chunks.get(chunks.size() - 1).path("usage").path("completion_tokens").asInt()).isEqualTo(fragments.size());
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
    }

    @Test
    void streamsAToolUseAsInputJsonDeltasInAnthropicFormat() {
        List<Event> events = wire.stream("/v1/messages", ANTHROPIC, anthropic(",\"stream\":true," + ANTHROPIC_TOOLS));

        assertThat(events.stream().map(Event::name).distinct()).containsExactly("message_start", "content_block_start",
                "ping", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        JsonNode block = events.get(1).json().path("content_block");
        assertThat(block.path("type").asString()).isEqualTo("tool_use");
        assertThat(block.path("id").asString()).startsWith("toolu_sim");
        assertThat(block.path("name").asString()).isEqualTo("get_time"); // the first tool: no choice names one
        assertThat(block.path("input").isObject() && block.path("input").isEmpty()).isTrue();
        List<String> fragments = events.stream().filter(e -> e.name().equals("content_block_delta"))
                .map(e -> e.json().path("delta"))
                .peek(d -> assertThat(d.path("type").asString()).isEqualTo("input_json_delta"))
                .map(d -> d.path("partial_json").asString()).toList();
        assertThat(fragments).allSatisfy(f -> assertThat(f).hasSizeLessThanOrEqualTo(7));
        assertThat(String.join("", fragments)).isEqualTo("{\"zone\":\"Paris\"}");
        assertThat(splitsInsideAString(fragments)).isTrue();
        assertThat(events.get(events.size() - 2).json().path("delta").path("stop_reason").asString()).isEqualTo("tool_use");
    }

    @Test
    void streamsAGeminiFunctionCallInOneChunkThenTheFinish() {
        List<Event> events = wire.stream(GEMINI_STREAM, GEMINI, gemini("," + GEMINI_TOOLS
                + ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"get_weather\"]}}"));

        assertThat(events).hasSize(2);
        JsonNode call = events.get(0).json().path("candidates").get(0).path("content").path("parts").get(0);
        assertThat(call.path("functionCall").path("name").asString()).isEqualTo("get_weather");
        assertThat(call.path("functionCall").path("args")).isEqualTo(parse(WEATHER_ARGS));
        JsonNode last = events.get(1).json();
        assertThat(last.path("candidates").get(0).path("finishReason").asString()).isEqualTo("STOP");
        assertThat(last.path("usageMetadata").path("candidatesTokenCount").asInt()).isEqualTo(1);
    }

    @Test
    void answersTextWhenToolChoiceForbidsTools() {
        String openAi = wire.postJson("/v1/chat/completions", OPENAI, openAi("," + OPENAI_TOOLS + ",\"tool_choice\":\"none\""))
                .path("choices").get(0).path("message").path("content").asString();
        String anthropic = wire.postJson("/v1/messages", ANTHROPIC, anthropic("," + ANTHROPIC_TOOLS
                + ",\"tool_choice\":{\"type\":\"none\"}")).path("content").get(0).path("text").asString();
        String gemini = wire.postJson(GEMINI_SYNC, GEMINI, gemini("," + GEMINI_TOOLS
                + ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"NONE\"}}"))
                .path("candidates").get(0).path("content").path("parts").get(0).path("text").asString();

        assertThat(List.of(openAi, anthropic, gemini)).allSatisfy(text -> assertThat(text).startsWith("Simulated answer to"));
    }

    @Test
    void answersAToolResultWithTheToolsNameAndWhatItReturned() {
        String openAiBody = "{\"model\":\"gpt-sim\"," + OPENAI_TOOLS + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + QUESTION + "\"},{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_abc\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_abc\",\"content\":[{\"type\":\"text\",\"text\":\"Sunny, 21 °C\"}]}]"
                + ",\"stream\":true}";
        String streamed = data(wire.stream("/v1/chat/completions", OPENAI, openAiBody)).stream()
                .map(c -> c.path("choices").get(0).path("delta").path("content").asString(""))
                .collect(Collectors.joining());
        String anthropicBody = "{\"model\":\"claude-sim\",\"max_tokens\":100," + ANTHROPIC_TOOLS + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"" + QUESTION + "\"},{\"role\":\"assistant\",\"content\":[{\"type\":"
                + "\"tool_use\",\"id\":\"toolu_abc\",\"name\":\"get_weather\",\"input\":{\"location\":\"Paris\"}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_abc\",\"content\":"
                + "\"" + "Sunny. ".repeat(40) + "\"}]}]}";
        JsonNode anthropic = wire.postJson("/v1/messages", ANTHROPIC, anthropicBody);
        String geminiBody = "{" + GEMINI_TOOLS + ",\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + QUESTION
                + "\"}]},{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{}}}]},"
                + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"get_weather\",\"response\":"
                + "{ \"sky\": \"sunny\", \"celsius\": 21 }}}]}]}";
        JsonNode gemini = wire.postJson(GEMINI_SYNC, GEMINI, geminiBody).path("candidates").get(0);

        assertThat(streamed).isEqualTo("The tool get_weather returned: Sunny, 21 °C");
        assertThat(anthropic.path("content").get(0).path("text").asString())
                .isEqualTo("The tool get_weather returned: " + "Sunny. ".repeat(40).substring(0, 200));
        assertThat(anthropic.path("stop_reason").asString()).isEqualTo("end_turn");
        assertThat(gemini.path("content").path("parts").get(0).path("text").asString())
                .isEqualTo("The tool get_weather returned: {\"sky\":\"sunny\",\"celsius\":21}");
    }

    @Test
    void answersJsonMatchingTheResponseSchema() {
        String schema = """
                {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},\
                "address":{"$ref":"#/$defs/Address"},"tags":{"type":"array","items":{"type":"string"}},\
                "nickname":{"type":["string","null"]},"score":{"type":"number"}},\
                "required":["name","age","address","tags","nickname"],"additionalProperties":false,\
                "$defs":{"Address":{"type":"object","properties":{"city":{"type":"string"},"geo":{"type":"object",\
                "properties":{"lat":{"type":"number"},"inner":{"type":"object","properties":{"x":{"type":"string"}}}}}},\
                "required":["city","geo"]}}}""";
        String body = "{\"model\":\"sim-json-repair\",\"messages\":[{\"role\":\"user\",\"content\":\"Describe Ada Lovelace\"}],"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"person\",\"strict\":true,"
                + "\"schema\":" + schema + "}}}";

        JsonNode answer = parse(wire.postJson("/v1/chat/completions", OPENAI, body)
                .path("choices").get(0).path("message").path("content").asString());

        assertThat(answer.propertyNames()).containsExactly("name", "age", "address", "tags", "nickname");
        assertThat(answer.path("name").asString()).isEqualTo("Lovelace");
        assertThat(answer.path("age").asInt()).isEqualTo(1);
        assertThat(answer.path("address").path("city").asString()).isEqualTo("Lovelace");
        assertThat(answer.path("address").path("geo").path("lat").asInt()).isEqualTo(1);
        assertThat(answer.path("address").path("geo").path("inner").isObject()).isTrue();
        assertThat(answer.path("address").path("geo").path("inner").isEmpty()).isTrue(); // below depth 3
        assertThat(answer.path("tags").isArray()).isTrue();
    }

    @Test
    void answersValidJsonInJsonModeEvenForJsonRepairModels() {
        String openAi = wire.postJson("/v1/chat/completions", OPENAI, "{\"model\":\"sim-json-repair\",\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"List three colours\"}],\"response_format\":{\"type\":\"json_object\"}}")
                .path("choices").get(0).path("message").path("content").asString();
        String geminiSchema = ",\"generationConfig\":{\"responseMimeType\":\"application/json\",\"responseSchema\":{\"type\":"
                + "\"OBJECT\",\"properties\":{\"city\":{\"type\":\"STRING\"},\"days\":{\"type\":\"INTEGER\"}},\"required\":[\"city\"]}}";
        String gemini = data(wire.stream(GEMINI_STREAM, GEMINI, gemini(geminiSchema))).stream()
                .map(c -> c.path("candidates").get(0).path("content").path("parts").get(0).path("text").asString(""))
                .collect(Collectors.joining());

        assertThat(parse(openAi).path("excerpt").asString()).isEqualTo("List three colours");
        assertThat(parse(openAi).path("source").asString()).isEqualTo("switchboard-simulator");
        assertThat(parse(gemini)).isEqualTo(parse("{\"city\":\"Paris\",\"days\":1}"));
    }

    @Test
    void describesTheImagesOfTheLastUserMessage() {
        String openAi = wire.postJson("/v1/chat/completions", OPENAI, "{\"model\":\"gpt-sim\",\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"What is this?\"},{\"type\":\"image_url\",\"image_url\":"
                + "{\"url\":\"data:image/png;base64,iVBORw0KGgo=\",\"detail\":\"low\"}}]}]}")
                .path("choices").get(0).path("message").path("content").asString();
        String anthropic = wire.postJson("/v1/messages", ANTHROPIC, "{\"model\":\"claude-sim\",\"max_tokens\":50,\"messages\":"
                + "[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":"
                + "\"image/jpeg\",\"data\":\"/9j/4AAQ\"}},{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":"
                + "\"https://example.com/cat.png\"}},{\"type\":\"text\",\"text\":\"Compare them\"}]}]}")
                .path("content").get(0).path("text").asString();
        String gemini = wire.postJson(GEMINI_SYNC, GEMINI, "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Describe\"},"
                + "{\"inlineData\":{\"mimeType\":\"image/webp\",\"data\":\"UklGRg==\"}}]}]}")
                .path("candidates").get(0).path("content").path("parts").get(0).path("text").asString();

        assertThat(openAi).startsWith("I see 1 image (image/png). Simulated answer to \u201cWhat is");
        assertThat(anthropic).startsWith("I see 2 images (image/jpeg, url). Simulated answer to \u201cCompare them\u201d:");
        assertThat(gemini).startsWith("I see 1 image (image/webp). Simulated answer to \u201cDescribe\u201d:");
    }

    @Test
    void streamsReasoningBeforeTheAnswerInEachFormat() {
        List<JsonNode> openAi = data(wire.stream("/v1/chat/completions", OPENAI,
                openAi(",\"reasoning_effort\":\"low\",\"stream\":true,\"stream_options\":{\"include_usage\":true}")));
        assertThat(openAi.subList(1, 4)).allSatisfy(c ->
                assertThat(c.path("choices").get(0).path("delta").propertyNames()).containsExactly("reasoning_content"));
        assertThat(openAi.subList(1, 4).stream().map(c -> c.path("choices").get(0).path("delta")
                .path("reasoning_content").asString()).collect(Collectors.joining())).isEqualTo("Thinking about: " + QUESTION);
        assertThat(openAi.get(4).path("choices").get(0).path("delta").path("content").asString()).isEqualTo("Simulated ");
        JsonNode usage = openAi.get(openAi.size() - 1).path("usage");
        assertThat(usage.path("completion_tokens_details").path("reasoning_tokens").asInt()).isEqualTo(3);
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(8);

        List<Event> anthropic = wire.stream("/v1/messages", ANTHROPIC,
                anthropic(",\"stream\":true,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}"));
        assertThat(anthropic.stream().map(e -> e.name() + " " + kindOf(e.json()))).containsExactly(
                "message_start message_start", "content_block_start 0 thinking", "ping ping",
                "content_block_delta 0 thinking_delta", "content_block_delta 0 thinking_delta",
                "content_block_delta 0 thinking_delta", "content_block_delta 0 signature_delta", "content_block_stop 0",
                "content_block_start 1 text", "content_block_delta 1 text_delta", "content_block_delta 1 text_delta",
                "content_block_delta 1 text_delta", "content_block_delta 1 text_delta", "content_block_delta 1 text_delta",
                "content_block_stop 1", "message_delta message_delta", "message_stop message_stop");

        List<Event> gemini = wire.stream(GEMINI_STREAM, GEMINI,
                gemini(",\"generationConfig\":{\"thinkingConfig\":{\"includeThoughts\":true,\"thinkingBudget\":512}}"));
        assertThat(gemini.subList(0, 3)).allSatisfy(e -> assertThat(e.json().path("candidates").get(0).path("content")
                .path("parts").get(0).path("thought").asBoolean()).isTrue());
        assertThat(gemini.get(3).json().path("candidates").get(0).path("content").path("parts").get(0).has("thought")).isFalse();
        assertThat(gemini.get(gemini.size() - 1).json().path("usageMetadata").path("thoughtsTokenCount").asInt()).isEqualTo(3);
    }

    @Test
    void includesReasoningInWholeAnswers() {
        JsonNode openAi = wire.postJson("/v1/chat/completions", OPENAI, openAi(",\"reasoning_effort\":\"high\""))
                .path("choices").get(0).path("message");
        JsonNode anthropic = wire.postJson("/v1/messages", ANTHROPIC,
                anthropic(",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048}," + ANTHROPIC_TOOLS)).path("content");
        JsonNode gemini = wire.postJson(GEMINI_SYNC, GEMINI,
                gemini(",\"generationConfig\":{\"thinkingConfig\":{\"includeThoughts\":true}}"));

        assertThat(openAi.path("reasoning_content").asString()).isEqualTo("Thinking about: " + QUESTION);
        assertThat(openAi.path("content").asString()).startsWith("Simulated answer to");
        assertThat(anthropic.get(0).path("type").asString()).isEqualTo("thinking");
        assertThat(anthropic.get(0).path("thinking").asString()).isEqualTo("Thinking about: " + QUESTION);
        assertThat(anthropic.get(0).path("signature").asString()).isNotEmpty();
        assertThat(anthropic.get(1).path("type").asString()).isEqualTo("tool_use");
        JsonNode parts = gemini.path("candidates").get(0).path("content").path("parts");
        assertThat(parts.get(0).path("thought").asBoolean()).isTrue();
        assertThat(parts.get(1).path("text").asString()).startsWith("Simulated answer to");
        assertThat(gemini.path("usageMetadata").path("thoughtsTokenCount").asInt()).isEqualTo(3);
    }

    @Test
    void stillAnswersRequestsWithUnknownFields() {
        String openAi = wire.postJson("/v1/chat/completions", OPENAI, openAi(",\"future_option\":{\"x\":[1,2]},\"verbosity\":"
                + "\"low\",\"store\":false")).path("choices").get(0).path("message").path("content").asString();
        String anthropic = wire.postJson("/v1/messages", ANTHROPIC, anthropic(",\"container\":null,\"context_management\":{}"))
                .path("content").get(0).path("text").asString();

        assertThat(List.of(openAi, anthropic)).allSatisfy(text -> assertThat(text).startsWith("Simulated answer to"));
    }

    @Test
    void faultKeysStillCutAToolCallStream() {
        List<Event> events = wire.stream("/v1/chat/completions", Map.of("Authorization", "Bearer sim-fail-after-2"),
                openAi(",\"stream\":true," + OPENAI_TOOLS));

        assertThat(events).hasSize(4); // the opening, two argument fragments, the in-band error
        assertThat(events.get(2).json().path("choices").get(0).path("delta").path("tool_calls").get(0)
                .path("function").path("arguments").asString()).isEqualTo("ion\":\"P");
        assertThat(events.get(3).json().path("error").path("type").asString()).isEqualTo("server_error");
    }

    /** {@code <index> <block or delta type>}, or the event's own type. */
    private static String kindOf(JsonNode event) {
        if (event.has("content_block")) {
            return event.path("index").asInt() + " " + event.path("content_block").path("type").asString();
        }
        if (event.has("delta") && event.has("index")) {
            return event.path("index").asInt() + " " + event.path("delta").path("type").asString();
        }
        return event.has("index") ? Integer.toString(event.path("index").asInt()) : event.path("type").asString();
    }
}
