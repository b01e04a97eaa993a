package dev.switchboard.simulator;

import static dev.switchboard.simulator.MessageTexts.string;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** The structured output a request asks for (JSON mode, with or without a schema). Anthropic has none. */
final class ResponseFormats {

    /** A JSON answer, shaped by {@code schema} when there is one. */
    record JsonMode(@Nullable JsonNode schema) {
    }

    private ResponseFormats() {
    }

    /** {@code response_format} {@code {"type":"json_object"}} or {@code {"type":"json_schema","json_schema":{"schema":{..}}}}. */
    static @Nullable JsonMode openAi(JsonNode body) {
        JsonNode format = body.path("response_format");
        return switch (string(format.path("type"))) {
            case "json_object" -> new JsonMode(null);
            case "json_schema" -> new JsonMode(schema(format.path("json_schema").path("schema")));
            default -> null;
        };
    }

    /** {@code generationConfig.responseMimeType: "application/json"}, with {@code responseJsonSchema} or {@code responseSchema}. */
    static @Nullable JsonMode gemini(JsonNode body) {
        JsonNode config = body.path("generationConfig");
        if (!"application/json".equals(string(config.path("responseMimeType")))) {
            return null;
        }
        JsonNode schema = schema(config.path("responseJsonSchema"));
        return new JsonMode(schema != null ? schema : schema(config.path("responseSchema")));
    }

    private static @Nullable JsonNode schema(JsonNode node) {
        return node.isObject() ? node : null;
    }
}
