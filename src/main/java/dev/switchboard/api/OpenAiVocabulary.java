package dev.switchboard.api;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.chat.GenerationOptions;
import dev.switchboard.chat.InvalidRequestException;
import dev.switchboard.chat.ResponseFormat;
import dev.switchboard.chat.Tool;
import dev.switchboard.chat.ToolChoice;
import dev.switchboard.web.JsonBodies;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads the parts of a chat request that OpenAI's Chat Completions defines (tools, tool choice, response
 * format, generation parameters, and the typed fields they are made of; the messages are
 * {@link OpenAiMessages}') into the canonical model, for every surface that speaks that vocabulary:
 * {@code /v1/chat/completions} and the native {@code /api/chat} surfaces. Every problem is a 400 naming the field.
 */
public final class OpenAiVocabulary {

    static final int MAX_TOKENS = 1_000_000;

    private OpenAiVocabulary() {
    }

    /** {@code tools}: function tools only; null when absent. */
    public static List<Tool> tools(JsonNode tools) {
        if (tools.isMissingNode() || tools.isNull()) {
            return List.of();
        }
        if (!tools.isArray()) {
            throw invalidType("'tools'", "an array");
        }
        List<Tool> out = new ArrayList<>(tools.size());
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String at = "tools[" + i + "]";
            if (!"function".equals(tool.path("type").asString("function"))) {
                throw new InvalidRequestException("unsupported_parameter", at + ".type '" + JsonBodies.abbreviate(
                        tool.path("type").asString("")) + "' is not supported; only function tools are.", "tools");
            }
            JsonNode function = tool.path("function");
            String name = optionalText(function, "name", at + ".function");
            if (name == null || name.isBlank()) {
                throw GatewayException.badRequest("invalid_tool", at + ".function.name is required.");
            }
            JsonNode parameters = function.path("parameters");
            if (!parameters.isMissingNode() && !parameters.isNull() && !parameters.isObject()) {
                throw invalidType("'" + at + ".function.parameters'", "a JSON schema object");
            }
            JsonNode strict = function.path("strict");
            out.add(new Tool(name, optionalText(function, "description", at + ".function"),
                    parameters.isObject() ? parameters : null, strict.isBoolean() ? strict.booleanValue() : null));
        }
        return out;
    }

    /** {@code tool_choice}: {@code none|auto|required} or {@code {"type":"function","function":{"name"}}}. */
    public static @Nullable ToolChoice toolChoice(JsonNode choice) {
        if (choice.isMissingNode() || choice.isNull()) {
            return null;
        }
        if (choice.isString()) {
            return switch (choice.stringValue()) {
                case "none" -> ToolChoice.NONE;
                case "auto" -> ToolChoice.AUTO;
                case "required" -> ToolChoice.REQUIRED;
                default -> throw GatewayException.badRequest("invalid_tool_choice",
                        "'tool_choice' must be none, auto, required or a named function.");
            };
        }
        String name = choice.path("function").path("name").asString("");
        if (name.isBlank()) {
            throw GatewayException.badRequest("invalid_tool_choice",
                    "'tool_choice' must be none, auto, required or {\"type\":\"function\",\"function\":{\"name\":...}}.");
        }
        return ToolChoice.named(name);
    }

    /** {@code response_format}: {@code text}, {@code json_object} or {@code json_schema}. */
    public static @Nullable ResponseFormat responseFormat(JsonNode format) {
        if (format.isMissingNode() || format.isNull()) {
            return null;
        }
        return switch (format.path("type").asString("")) {
            case "text" -> ResponseFormat.TEXT;
            case "json_object" -> ResponseFormat.JSON_OBJECT;
            case "json_schema" -> {
                JsonNode schema = format.path("json_schema");
                if (!schema.path("schema").isObject()) {
                    throw GatewayException.badRequest("invalid_response_format",
                            "'response_format.json_schema.schema' must be a JSON schema object.");
                }
                JsonNode strict = schema.path("strict");
                yield ResponseFormat.schema(schema.path("name").asString("answer"), schema.path("schema"),
                        strict.isBoolean() ? strict.booleanValue() : null);
            }
            default -> throw GatewayException.badRequest("invalid_response_format",
                    "'response_format.type' must be text, json_object or json_schema.");
        };
    }

    /** The generation parameters beyond max_tokens and temperature. */
    public static GenerationOptions options(JsonNode body) {
        return new GenerationOptions(stop(body.path("stop")), number(body, "top_p", 0, 1),
                null, longValue(body, "seed"), integer(body, "n", 1, 128), number(body, "presence_penalty", -2, 2),
                number(body, "frequency_penalty", -2, 2), object(body, "logit_bias"), bool(body, "logprobs"),
                integer(body, "top_logprobs", 0, 20), optionalText(body, "user", ""),
                effort(optionalText(body, "reasoning_effort", "")), null, bool(body, "parallel_tool_calls"));
    }

    public static @Nullable Integer maxTokens(@Nullable Integer maxTokens) {
        if (maxTokens != null && (maxTokens < 1 || maxTokens > MAX_TOKENS)) {
            throw GatewayException.badRequest("invalid_max_tokens", "'max_tokens' must be between 1 and " + MAX_TOKENS + ".");
        }
        return maxTokens;
    }

    public static @Nullable Double temperature(@Nullable Double temperature) {
        if (temperature != null && (temperature.isNaN() || temperature < 0 || temperature > 2)) {
            throw GatewayException.badRequest("invalid_temperature", "'temperature' must be between 0 and 2.");
        }
        return temperature;
    }

    /** {@code max_completion_tokens}, else {@code max_tokens}. */
    public static @Nullable Integer maxTokens(JsonNode body) {
        JsonNode node = body.has("max_completion_tokens") ? body.path("max_completion_tokens") : body.path("max_tokens");
        String field = body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw invalidType("'" + field + "'", "an integer");
        }
        return maxTokens(node.intValue());
    }

    public static @Nullable Double temperature(JsonNode body) {
        JsonNode node = body.path("temperature");
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw invalidType("'temperature'", "a number");
        }
        return temperature(number(node));
    }

    /** A text field: null when absent or null, a 400 when it is not a string. */
    public static @Nullable String optionalText(JsonNode node, String field, String at) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw invalidType("'" + (at.isEmpty() ? "" : at + ".") + field + "'", "a string");
        }
        return value.stringValue();
    }

    /** A boolean field: null when absent or null. */
    public static @Nullable Boolean bool(JsonNode body, String field) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw invalidType("'" + field + "'", "true or false");
        }
        return value.booleanValue();
    }

    private static List<String> stop(JsonNode stop) {
        if (stop.isMissingNode() || stop.isNull()) {
            return List.of();
        }
        if (stop.isString()) {
            return List.of(stop.stringValue());
        }
        if (!stop.isArray() || stop.size() > 16) {
            throw invalidType("'stop'", "a string or an array of at most 16 strings");
        }
        List<String> out = new ArrayList<>(stop.size());
        for (JsonNode s : stop) {
            if (!s.isString()) {
                throw invalidType("'stop'", "a string or an array of strings");
            }
            out.add(s.stringValue());
        }
        return out;
    }

    private static @Nullable Double number(JsonNode body, String field, double min, double max) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || !(number(value) >= min && number(value) <= max)) {
            throw GatewayException.badRequest("invalid_" + field, "'" + field + "' must be a number between " + format(min)
                    + " and " + format(max) + ".");
        }
        return number(value);
    }

    /** A JSON number as a double; NaN when it is out of a double's range (JSON allows any length). */
    public static double number(JsonNode node) {
        try {
            double value = node.doubleValue();
            return Double.isFinite(value) ? value : Double.NaN;
        } catch (JacksonException outOfRange) {
            return Double.NaN;
        }
    }

    private static @Nullable Integer integer(JsonNode body, String field, int min, int max) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            throw GatewayException.badRequest("invalid_" + field, "'" + field + "' must be an integer between " + min
                    + " and " + max + ".");
        }
        return value.intValue();
    }

    private static @Nullable Long longValue(JsonNode body, String field) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw invalidType("'" + field + "'", "an integer");
        }
        return value.longValue();
    }

    private static @Nullable JsonNode object(JsonNode body, String field) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw invalidType("'" + field + "'", "an object");
        }
        return value;
    }

    private static @Nullable String effort(@Nullable String effort) {
        if (effort == null) {
            return null;
        }
        String lower = effort.toLowerCase(Locale.ROOT);
        if (!Set.of("minimal", "low", "medium", "high").contains(lower)) {
            throw GatewayException.badRequest("invalid_reasoning_effort",
                    "'reasoning_effort' must be minimal, low, medium or high.");
        }
        return lower;
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    static GatewayException invalidType(String field, String expected) {
        return GatewayException.badRequest("invalid_type", field + " must be " + expected + ".");
    }
}
