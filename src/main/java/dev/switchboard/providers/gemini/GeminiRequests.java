package dev.switchboard.providers.gemini;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ContentPart;
import dev.switchboard.chat.GenerationOptions;
import dev.switchboard.chat.ResponseFormat;
import dev.switchboard.chat.Tool;
import dev.switchboard.chat.ToolCall;
import dev.switchboard.chat.ToolChoice;
import dev.switchboard.providers.UpstreamRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Puts a request into Gemini form: system (and developer) messages become {@code systemInstruction},
 * assistant turns get the role {@code model}, consecutive turns of one role share one content; tool calls
 * become {@code functionCall} parts, {@code tool} messages {@code functionResponse} parts (named after the
 * call they answer), inline images {@code inlineData}; tools are {@code functionDeclarations} with their
 * JSON schema as {@code parametersJsonSchema}, tool choice is {@code toolConfig.functionCallingConfig};
 * the generation parameters, the response format ({@code responseMimeType} + {@code responseJsonSchema})
 * and the reasoning budget ({@code thinkingConfig}) go into {@code generationConfig}. Nothing else is
 * sent: Gemini rejects unknown fields.
 */
public final class GeminiRequests {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private GeminiRequests() {
    }

    /** The parameters of the canonical model Gemini cannot take. */
    public static List<String> unsupported(ChatCommand command) {
        List<String> out = new ArrayList<>(2);
        GenerationOptions o = command.options();
        if (o.logitBias() != null) {
            out.add("logit_bias");
        }
        if (Boolean.TRUE.equals(o.logprobs()) || o.topLogprobs() != null) {
            out.add("logprobs");
        }
        if (Boolean.FALSE.equals(o.parallelToolCalls())) {
            out.add("parallel_tool_calls");
        }
        for (ChatMessage m : command.messages()) {
            for (ContentPart part : m.parts()) {
                if (part instanceof ContentPart.Image image && !image.inline()) {
                    out.add("image_url");
                    return out;
                }
            }
        }
        return out;
    }

    static ObjectNode toWire(UpstreamRequest request) {
        ObjectNode body = NODES.objectNode();
        ArrayNode system = NODES.arrayNode();
        ArrayNode contents = NODES.arrayNode();
        Map<String, String> callNames = new HashMap<>();
        for (ChatMessage m : request.messages()) {
            if ("system".equals(m.role()) || "developer".equals(m.role())) {
                system.addObject().put("text", m.content());
                continue;
            }
            m.toolCalls().forEach(call -> callNames.put(call.id(), call.name()));
            append(contents, "assistant".equals(m.role()) ? "model" : "user", parts(m, callNames));
        }
        if (!system.isEmpty()) {
            body.putObject("systemInstruction").set("parts", system);
        }
        body.set("contents", contents);
        tools(request, body);
        ObjectNode config = generationConfig(request);
        if (!config.isEmpty()) {
            body.set("generationConfig", config);
        }
        return body;
    }

    /** The bare model id: {@code models/gemini-2.0-flash} and {@code gemini-2.0-flash} name the same model. */
    static String modelId(String model) {
        return model.startsWith("models/") ? model.substring("models/".length()) : model;
    }

    private static void append(ArrayNode contents, String role, ArrayNode parts) {
        int last = contents.size() - 1;
        if (last >= 0 && role.equals(contents.get(last).path("role").asString(""))) {
            ((ArrayNode) contents.get(last).get("parts")).addAll(parts);
        } else {
            contents.addObject().put("role", role).set("parts", parts);
        }
    }

    private static ArrayNode parts(ChatMessage m, Map<String, String> callNames) {
        ArrayNode parts = NODES.arrayNode();
        if ("tool".equals(m.role())) {
            String name = m.name() != null ? m.name() : callNames.getOrDefault(m.toolCallId(), "tool");
            ObjectNode response = parts.addObject().putObject("functionResponse");
            response.put("name", name);
            response.set("response", result(m.content()));
            return parts;
        }
        for (ContentPart part : m.parts()) {
            if (part instanceof ContentPart.Text text) {
                parts.addObject().put("text", text.text());
            } else if (part instanceof ContentPart.Image image && image.inline()) {
                parts.addObject().putObject("inlineData").put("mimeType", image.mediaType()).put("data", image.base64());
            }
        }
        for (ToolCall call : m.toolCalls()) {
            ObjectNode functionCall = parts.addObject().putObject("functionCall");
            functionCall.put("name", call.name());
            functionCall.set("args", object(call.arguments()));
        }
        return parts;
    }

    private static void tools(UpstreamRequest request, ObjectNode body) {
        if (!request.tools().isEmpty()) {
            ArrayNode declarations = body.putArray("tools").addObject().putArray("functionDeclarations");
            for (Tool tool : request.tools()) {
                ObjectNode d = declarations.addObject().put("name", tool.name());
                if (tool.description() != null) {
                    d.put("description", tool.description());
                }
                if (tool.parameters() != null) {
                    d.set("parametersJsonSchema", tool.parameters());
                }
            }
        }
        ToolChoice choice = request.toolChoice();
        if (choice != null) {
            ObjectNode config = body.putObject("toolConfig").putObject("functionCallingConfig");
            switch (choice.mode()) {
                case NONE -> config.put("mode", "NONE");
                case AUTO -> config.put("mode", "AUTO");
                case REQUIRED -> config.put("mode", "ANY");
                case NAMED -> {
                    config.put("mode", "ANY");
                    config.putArray("allowedFunctionNames").add(choice.name());
                }
            }
        }
    }

    private static ObjectNode generationConfig(UpstreamRequest request) {
        ObjectNode config = NODES.objectNode();
        GenerationOptions o = request.options();
        if (request.temperature() != null) {
            config.put("temperature", request.temperature());
        }
        if (request.maxTokens() != null) {
            config.put("maxOutputTokens", request.maxTokens());
        }
        if (o.topP() != null) {
            config.put("topP", o.topP());
        }
        if (o.topK() != null) {
            config.put("topK", o.topK());
        }
        if (!o.stop().isEmpty()) {
            ArrayNode stop = config.putArray("stopSequences");
            o.stop().forEach(stop::add);
        }
        if (o.seed() != null) {
            config.put("seed", o.seed());
        }
        if (o.n() != null) {
            config.put("candidateCount", o.n());
        }
        if (o.presencePenalty() != null) {
            config.put("presencePenalty", o.presencePenalty());
        }
        if (o.frequencyPenalty() != null) {
            config.put("frequencyPenalty", o.frequencyPenalty());
        }
        ResponseFormat format = request.responseFormat();
        if (format != null && format.json()) {
            config.put("responseMimeType", "application/json");
            if (format.schema() != null) {
                config.set("responseJsonSchema", format.schema());
            }
        }
        Integer budget = thinkingBudget(o);
        if (budget != null) {
            config.putObject("thinkingConfig").put("thinkingBudget", budget).put("includeThoughts", true);
        }
        return config;
    }

    /** OpenAI's effort as a thinking budget (low 1,024, medium 8,192, high 24,576 tokens), or Anthropic's budget. */
    static @Nullable Integer thinkingBudget(GenerationOptions o) {
        if (o.thinkingBudget() != null) {
            return o.thinkingBudget();
        }
        if (o.reasoningEffort() == null) {
            return null;
        }
        return switch (o.reasoningEffort()) {
            case "minimal", "low" -> 1024;
            case "high" -> 24576;
            default -> 8192;
        };
    }

    /** A tool's result as the object Gemini wants: JSON objects as they are, anything else as {@code content}. */
    private static JsonNode result(String text) {
        JsonNode parsed = parse(text);
        return parsed != null && parsed.isObject() ? parsed
                : NODES.objectNode().set("content", parsed != null ? parsed : NODES.stringNode(text));
    }

    private static JsonNode object(String arguments) {
        JsonNode parsed = parse(arguments.isBlank() ? "{}" : arguments);
        return parsed != null && parsed.isObject() ? parsed : NODES.objectNode();
    }

    private static @Nullable JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JacksonException notJson) {
            return null;
        }
    }
}
