package dev.switchboard.api.anthropic;

import dev.switchboard.api.OpenAiMessages;
import dev.switchboard.api.OpenAiVocabulary;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ContentPart;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.chat.GenerationOptions;
import dev.switchboard.chat.Passthrough;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.Tool;
import dev.switchboard.chat.ToolCall;
import dev.switchboard.chat.ToolChoice;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.web.JsonBodies;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a {@code POST /v1/messages} body (Anthropic's Messages API) into a command: the canonical model,
 * and the body itself, relayed to Anthropic-format providers with only the model replaced. {@code model}
 * routes as elsewhere ({@code provider/model} or a configured model is Path B) except that a model the
 * gateway does not know, such as {@code claude-sonnet-4-5} from a client's default, is Path A (the name is
 * kept in the request log).
 */
final class AnthropicRequestReader {

    static final Set<String> MAPPED = Set.of("model", "messages", "max_tokens", "system", "stop_sequences", "temperature",
            "top_p", "top_k", "metadata", "stream", "tools", "tool_choice", "thinking");
    static final Set<String> ADVISORY = Set.of("service_tier");
    static final Set<String> EXTENSIONS = Set.of("provider", "fallback", "hedge");

    private AnthropicRequestReader() {
    }

    static ChatCommand read(ObjectNode body, String requestId, Predicate<String> knownModel,
            @Nullable String preferredProvider) {
        String model = OpenAiVocabulary.optionalText(body, "model", "");
        if (model == null || model.isBlank()) {
            throw GatewayException.badRequest("model_required", "'model' is required; use \"auto\" to let Switchboard "
                    + "choose.");
        }
        JsonNode maxTokens = body.path("max_tokens");
        if (!maxTokens.isIntegralNumber() || !maxTokens.canConvertToInt()) {
            throw GatewayException.badRequest("invalid_max_tokens", "'max_tokens' is required: an integer.");
        }
        String provider = OpenAiVocabulary.optionalText(body, "provider", "");
        boolean named = provider != null && !provider.isBlank() || knownModel.test(model.trim());
        List<ChatMessage> messages = new ArrayList<>();
        system(body.path("system"), messages);
        messages(body.path("messages"), messages);
        OpenAiMessages.checkCount(messages.size());
        return ChatCommand.builder(requestId, Surface.ANTHROPIC, messages)
                .provider(provider == null || provider.isBlank() ? null : provider.trim())
                .model(named ? model.trim() : null)
                .maxTokens(OpenAiVocabulary.maxTokens(maxTokens.intValue()))
                .temperature(temperature(body))
                .fallback(!Boolean.FALSE.equals(OpenAiVocabulary.bool(body, "fallback")))
                .preferredProvider(preferredProvider)
                .hedge(OpenAiVocabulary.bool(body, "hedge"))
                .tools(tools(body.path("tools")))
                .toolChoice(toolChoice(body.path("tool_choice")))
                .options(options(body))
                .passthrough(passthrough(body))
                .build();
    }

    static boolean streaming(ObjectNode body) {
        return Boolean.TRUE.equals(OpenAiVocabulary.bool(body, "stream"));
    }

    private static void system(JsonNode system, List<ChatMessage> out) {
        if (system.isMissingNode() || system.isNull()) {
            return;
        }
        if (system.isString()) {
            if (!system.stringValue().isBlank()) {
                out.add(new ChatMessage("system", system.stringValue()));
            }
            return;
        }
        if (!system.isArray()) {
            throw invalid("'system' must be a string or an array of text blocks.");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : system) {
            text.append(block.path("text").asString(""));
        }
        if (!text.isEmpty()) {
            out.add(new ChatMessage("system", text.toString()));
        }
    }

    private static void messages(JsonNode messages, List<ChatMessage> out) {
        if (!messages.isArray() || messages.isEmpty()) {
            throw GatewayException.badRequest("messages_required", "'messages' must be a non-empty array.");
        }
        OpenAiMessages.checkCount(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            message("messages[" + i + "]", messages.get(i), out);
        }
    }

    /**
     * A user turn may hold tool results: each becomes a {@code tool} message, ahead of the turn's own text
     * and images. An assistant turn's {@code tool_use} blocks are its tool calls; thinking blocks of earlier
     * turns are history only a relayed body keeps.
     */
    private static void message(String at, JsonNode m, List<ChatMessage> out) {
        String role = m.path("role").asString("");
        if (!"user".equals(role) && !"assistant".equals(role)) {
            throw GatewayException.badRequest("invalid_role", at + ".role must be user or assistant.");
        }
        JsonNode content = m.path("content");
        if (content.isString()) {
            if (content.stringValue().isBlank()) {
                throw GatewayException.badRequest("empty_message", at + ".content must not be empty.");
            }
            out.add(new ChatMessage(role, content.stringValue()));
            return;
        }
        if (!content.isArray() || content.isEmpty()) {
            throw GatewayException.badRequest("empty_message", at + ".content must be a string or a non-empty array.");
        }
        List<ContentPart> parts = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            block(at + ".content[" + i + "]", role, content.get(i), parts, calls, out);
        }
        if (!parts.isEmpty() || !calls.isEmpty()) {
            out.add(new ChatMessage(role, parts, calls, null, null));
        }
    }

    private static void block(String at, String role, JsonNode block, List<ContentPart> parts, List<ToolCall> calls,
            List<ChatMessage> out) {
        String type = block.path("type").asString("");
        switch (type) {
            case "text" -> parts.add(new ContentPart.Text(block.path("text").asString("")));
            case "image" -> parts.add(image(at, block.path("source")));
            case "tool_use" -> {
                if (!"assistant".equals(role)) {
                    throw invalid(at + ": tool_use blocks belong to assistant turns.");
                }
                calls.add(new ToolCall(block.path("id").asString(""), block.path("name").asString(""),
                        block.path("input").isMissingNode() ? "{}" : block.path("input").toString()));
            }
            case "tool_result" -> {
                if (!"user".equals(role)) {
                    throw invalid(at + ": tool_result blocks belong to user turns.");
                }
                out.add(ChatMessage.toolResult(block.path("tool_use_id").asString(""), null, resultText(block)));
            }
            case "thinking", "redacted_thinking" -> {
                // the model's earlier reasoning: kept in a relayed body, not carried to other formats
            }
            default -> throw GatewayException.badRequest("unsupported_content", at + ": blocks of type '"
                    + JsonBodies.abbreviate(type) + "' are not supported; use text, image, tool_use or tool_result.");
        }
    }

    private static ContentPart.Image image(String at, JsonNode source) {
        String type = source.path("type").asString("");
        if ("base64".equals(type) && source.path("media_type").isString() && source.path("data").isString()) {
            return ContentPart.Image.inline(source.path("media_type").stringValue(), source.path("data").stringValue(),
                    null);
        }
        if ("url".equals(type) && source.path("url").asString("").startsWith("http")) {
            return new ContentPart.Image(source.path("url").stringValue(), null);
        }
        throw GatewayException.badRequest("unsupported_content", at + ".source must be base64 data with a "
                + "media_type, or an http(s) url.");
    }

    private static String resultText(JsonNode block) {
        JsonNode content = block.path("content");
        if (content.isString()) {
            return content.stringValue();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            text.append(part.path("text").asString(""));
        }
        return text.toString();
    }

    private static List<Tool> tools(JsonNode tools) {
        if (tools.isMissingNode() || tools.isNull()) {
            return List.of();
        }
        if (!tools.isArray()) {
            throw invalid("'tools' must be an array.");
        }
        List<Tool> out = new ArrayList<>(tools.size());
        for (JsonNode tool : tools) {
            if (tool.has("type") && !"custom".equals(tool.path("type").asString(""))) {
                // a server tool (web search, code execution...): only an Anthropic provider can run it
                continue;
            }
            String name = tool.path("name").asString("");
            if (name.isBlank()) {
                throw invalid("tools[].name is required.");
            }
            JsonNode schema = tool.path("input_schema");
            out.add(new Tool(name, tool.path("description").isString() ? tool.path("description").stringValue() : null,
                    schema.isObject() ? schema : null, null));
        }
        return out;
    }

    private static @Nullable ToolChoice toolChoice(JsonNode choice) {
        if (choice.isMissingNode() || choice.isNull()) {
            return null;
        }
        return switch (choice.path("type").asString("")) {
            case "auto" -> ToolChoice.AUTO;
            case "any" -> ToolChoice.REQUIRED;
            case "none" -> ToolChoice.NONE;
            case "tool" -> ToolChoice.named(choice.path("name").asString(""));
            default -> throw invalid("'tool_choice.type' must be auto, any, tool or none.");
        };
    }

    private static GenerationOptions options(JsonNode body) {
        List<String> stop = new ArrayList<>();
        body.path("stop_sequences").forEach(s -> stop.add(s.asString("")));
        JsonNode thinking = body.path("thinking");
        Integer budget = "enabled".equals(thinking.path("type").asString(""))
                ? thinking.path("budget_tokens").asInt(1024) : null;
        Boolean parallel = body.path("tool_choice").path("disable_parallel_tool_use").asBoolean(false) ? false : null;
        JsonNode topP = body.path("top_p");
        JsonNode topK = body.path("top_k");
        JsonNode user = body.path("metadata").path("user_id");
        return new GenerationOptions(stop, topP.isNumber() ? OpenAiVocabulary.number(topP) : null,
                topK.isIntegralNumber() && topK.canConvertToInt() ? topK.intValue() : null, null, null, null, null, null, null, null,
                user.isString() ? user.stringValue() : null, null, budget, parallel);
    }

    private static @Nullable Double temperature(JsonNode body) {
        JsonNode t = body.path("temperature");
        if (t.isMissingNode() || t.isNull()) {
            return null;
        }
        double value = t.isNumber() ? OpenAiVocabulary.number(t) : Double.NaN;
        if (!(value >= 0 && value <= 1)) {
            throw GatewayException.badRequest("invalid_temperature", "'temperature' must be between 0 and 1.");
        }
        return value;
    }

    private static Passthrough passthrough(ObjectNode body) {
        ObjectNode relayed = body;
        for (String extension : EXTENSIONS) {
            if (body.has(extension)) {
                relayed = relayed == body ? body.deepCopy() : relayed;
                relayed.remove(extension);
            }
        }
        List<String> unknown = new ArrayList<>(0);
        for (String field : body.propertyNames()) {
            if (!MAPPED.contains(field) && !ADVISORY.contains(field) && !EXTENSIONS.contains(field)) {
                unknown.add(field);
            }
        }
        for (JsonNode tool : body.path("tools")) {
            if (tool.has("type") && !"custom".equals(tool.path("type").asString("")) && !unknown.contains("tools")) {
                unknown.add("tools");
            }
        }
        return new Passthrough(WireFormat.ANTHROPIC, relayed, unknown);
    }

    private static GatewayException invalid(String message) {
        return GatewayException.badRequest("invalid_request", message);
    }
}
