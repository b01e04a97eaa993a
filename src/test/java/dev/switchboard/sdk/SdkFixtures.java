package dev.switchboard.sdk;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the SDK tests share: one tool, one question, one picture, and what the simulator must make of
 * them. The simulator calls the offered tool with every required property filled from its schema
 * (strings are the last word of the last user message, integers 1, booleans true), so the arguments
 * every provider must bring back are known exactly.
 */
final class SdkFixtures {

    /** Every SDK call is bounded by this (connect, read and whole-call timeouts). */
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** Any key works in the test profile (demo mode). */
    static final String API_KEY = "sb-sdk-test";

    /** An OpenAI-format provider and one of each other wire format (Path B). */
    static final String OPENAI_FORMAT = "alpha/alpha-1";
    static final String ANTHROPIC_FORMAT = "claude/claude-1";
    static final String GEMINI_FORMAT = "gemini/gemini-1";

    static final String TOOL_NAME = "get_weather";
    static final String TOOL_DESCRIPTION = "The weather forecast for a city";
    static final String QUESTION = "What will the weather be like in Paris";

    /** The tool's parameters: {@code city} (string), {@code days} (integer), {@code metric} (boolean), all required. */
    static final Map<String, Object> TOOL_PROPERTIES = Map.of(
            "city", Map.of("type", "string", "description", "the city"),
            "days", Map.of("type", "integer", "description", "how many days ahead"),
            "metric", Map.of("type", "boolean", "description", "Celsius rather than Fahrenheit"));
    static final List<String> TOOL_REQUIRED = List.of("city", "days", "metric");

    /** The arguments the simulator builds from that schema for {@link #QUESTION}. */
    static final String EXPECTED_ARGUMENTS = "{\"city\":\"Paris\",\"days\":1,\"metric\":true}";

    /** What "our code" answers when the model calls the tool. */
    static final String TOOL_RESULT = "Sunny, 24 degrees";

    /** A 1x1 transparent PNG. */
    static final String PNG_BASE64 =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    static final String PNG_DATA_URL = "data:image/png;base64," + PNG_BASE64;
    static final String IMAGE_ANSWER_START = "I see 1 image (image/png). ";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SdkFixtures() {
    }

    /** A JSON text as a tree, to compare arguments by value (not by spacing or key order). */
    static JsonNode tree(String json) {
        return JSON.readTree(json);
    }
}
