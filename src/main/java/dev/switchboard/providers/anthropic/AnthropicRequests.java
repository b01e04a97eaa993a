package dev.switchboard.providers.anthropic;

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
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Puts a request into Messages API form. A request from an Anthropic-format client is relayed: its body as
 * sent, with only {@code model} replaced ({@code max_tokens}, which the API requires, added when missing).
 * Any other request is mapped from the canonical model:
 *
 * <ul>
 *   <li>system (and developer) messages become the top-level {@code system}; the other turns alternate
 *       {@code user}/{@code assistant}, consecutive turns of one role merged (the API takes only those two);
 *   <li>an assistant's tool calls become {@code tool_use} blocks, {@code tool} messages {@code tool_result}
 *       blocks in the next user turn; images become {@code image} blocks with a base64 or URL source;
 *   <li>tools get {@code input_schema}; tool choice {@code none|auto|required|named} is
 *       {@code none|auto|any|tool}; {@code parallel_tool_calls: false} is {@code disable_parallel_tool_use};
 *   <li>a JSON response format becomes one forced tool, {@value #JSON_TOOL}, whose input schema is the
 *       answer's schema; its input comes back as the answer text;
 *   <li>{@code reasoning_effort} becomes a {@code thinking} budget (low 1,024, medium 4,096, high 16,384
 *       tokens; {@code max_tokens} grows to leave 1,024 tokens for the answer), which the API takes only
 *       without a temperature other than 1 and without forced tool use ({@link #unsupported} refuses a
 *       {@code required} or named tool choice and a JSON format with it); {@code stop} is
 *       {@code stop_sequences}, {@code user} is {@code metadata.user_id}.
 * </ul>
 */
public final class AnthropicRequests {

    /** The forced tool that carries a JSON answer (Anthropic has no JSON mode). */
    static final String JSON_TOOL = "json_answer";

    /** With extended thinking Anthropic takes {@code top_p} from 0.95 to 1 only. */
    private static final double MIN_TOP_P_WITH_THINKING = 0.95;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AnthropicRequests() {
    }

    /** The parameters of the canonical model the Messages API cannot take. */
    public static List<String> unsupported(ChatCommand command) {
        List<String> out = new ArrayList<>(2);
        GenerationOptions o = command.options();
        if (o.choices() > 1) {
            out.add("n");
        }
        if (o.logitBias() != null) {
            out.add("logit_bias");
        }
        if (Boolean.TRUE.equals(o.logprobs()) || o.topLogprobs() != null) {
            out.add("logprobs");
        }
        if (o.presencePenalty() != null) {
            out.add("presence_penalty");
        }
        if (o.frequencyPenalty() != null) {
            out.add("frequency_penalty");
        }
        if (o.seed() != null) {
            out.add("seed");
        }
        if (command.responseFormat() != null && command.responseFormat().json() && !command.tools().isEmpty()) {
            out.add("response_format");
        }
        if (thinkingBudget(o) != null) {
            // extended thinking takes only temperature 1, top_p from 0.95, no top_k and no forced tool use
            // (tool_choice any or tool); the JSON answer is a forced tool too
            if (command.temperature() != null && command.temperature() != 1.0) {
                out.add("temperature");
            }
            if (o.topP() != null && o.topP() < MIN_TOP_P_WITH_THINKING) {
                out.add("top_p");
            }
            if (o.topK() != null) {
                out.add("top_k");
            }
            ToolChoice choice = command.toolChoice();
            if (choice != null && choice.mode() != ToolChoice.Mode.NONE && choice.mode() != ToolChoice.Mode.AUTO) {
                out.add("tool_choice");
            }
            ResponseFormat format = command.responseFormat();
            if (format != null && format.json() && !out.contains("response_format")) {
                out.add("response_format");
            }
        }
        return out;
    }

    static ObjectNode toWire(UpstreamRequest request, boolean stream) {
        return request.relay() != null ? relayed(request, stream) : built(request, stream);
    }

    private static ObjectNode relayed(UpstreamRequest request, boolean stream) {
        ObjectNode body = request.relay().body().deepCopy();
        body.put("model", request.model());
        dropUnsignedThinking(body);
        if (!body.has("max_tokens")) {
            body.put("max_tokens", request.maxTokens() != null ? request.maxTokens() : AnthropicClient.DEFAULT_MAX_TOKENS);
        }
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }

    /**
     * Thinking blocks with an empty signature are the gateway's own rendering of another provider's reasoning
     * (Anthropic signs every block it sends); Anthropic refuses them, so they leave the history.
     */
    private static void dropUnsignedThinking(ObjectNode body) {
        for (JsonNode message : body.path("messages")) {
            if (message.path("content") instanceof ArrayNode blocks) {
                for (int i = blocks.size() - 1; i >= 0; i--) {
                    JsonNode block = blocks.get(i);
                    if ("thinking".equals(block.path("type").asString(""))
                            && block.path("signature").asString("").isEmpty()) {
                        blocks.remove(i);
                    }
                }
            }
        }
    }

    private static ObjectNode built(UpstreamRequest request, boolean stream) {
        ObjectNode body = NODES.objectNode();
        body.put("model", request.model());
        Integer budget = thinkingBudget(request.options());
        int maxTokens = request.maxTokens() != null ? request.maxTokens() : AnthropicClient.DEFAULT_MAX_TOKENS;
        body.put("max_tokens", budget == null ? maxTokens : Math.max(maxTokens, budget + 1024));
        List<String> system = new ArrayList<>();
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : request.messages()) {
            if ("system".equals(m.role()) || "developer".equals(m.role())) {
                system.add(m.content());
            } else {
                append(messages, "assistant".equals(m.role()) ? "assistant" : "user", blocks(m));
            }
        }
        if (!system.isEmpty()) {
            body.put("system", String.join("\n\n", system));
        }
        if (request.temperature() != null) {
            body.put("temperature", Math.min(1.0, Math.max(0.0, request.temperature())));
        }
        if (stream) {
            body.put("stream", true);
        }
        tools(request, body);
        options(request.options(), body, budget);
        return body;
    }

    /**
     * Adds a turn, merged into the previous one when the role repeats: text-only turns as one string (parts
     * joined by a blank line), anything else as blocks.
     */
    private static void append(ArrayNode messages, String role, ArrayNode blocks) {
        int last = messages.size() - 1;
        if (last >= 0 && role.equals(messages.get(last).path("role").asString(""))) {
            ObjectNode previous = (ObjectNode) messages.get(last);
            JsonNode content = previous.get("content");
            if (content.isString() && textOnly(blocks)) {
                previous.put("content", content.asString() + "\n\n" + text(blocks));
                return;
            }
            ArrayNode merged = content.isString() ? textBlock(content.asString()) : (ArrayNode) content;
            merged.addAll(blocks);
            previous.set("content", merged);
            return;
        }
        ObjectNode message = messages.addObject().put("role", role);
        if (textOnly(blocks)) {
            message.put("content", text(blocks));
        } else {
            message.set("content", blocks);
        }
    }

    private static ArrayNode blocks(ChatMessage m) {
        ArrayNode blocks = NODES.arrayNode();
        if ("tool".equals(m.role())) {
            ObjectNode result = blocks.addObject().put("type", "tool_result");
            result.put("tool_use_id", m.toolCallId());
            result.put("content", m.content());
            return blocks;
        }
        for (ContentPart part : m.parts()) {
            if (part instanceof ContentPart.Text text) {
                blocks.addObject().put("type", "text").put("text", text.text());
            } else if (part instanceof ContentPart.Image image) {
                ObjectNode source = blocks.addObject().put("type", "image").putObject("source");
                if (image.inline()) {
                    source.put("type", "base64").put("media_type", image.mediaType()).put("data", image.base64());
                } else {
                    source.put("type", "url").put("url", image.url());
                }
            }
        }
        for (ToolCall call : m.toolCalls()) {
            ObjectNode use = blocks.addObject().put("type", "tool_use").put("id", call.id()).put("name", call.name());
            use.set("input", arguments(call.arguments()));
        }
        return blocks;
    }

    private static void tools(UpstreamRequest request, ObjectNode body) {
        ResponseFormat format = request.responseFormat();
        if (format != null && format.json()) {
            ObjectNode tool = body.putArray("tools").addObject().put("name", JSON_TOOL)
                    .put("description", "Give your whole answer through this tool, as its input.");
            tool.set("input_schema", format.schema() != null ? format.schema() : NODES.objectNode().put("type", "object"));
            body.putObject("tool_choice").put("type", "tool").put("name", JSON_TOOL);
            return;
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (Tool tool : request.tools()) {
                ObjectNode t = tools.addObject().put("name", tool.name());
                if (tool.description() != null) {
                    t.put("description", tool.description());
                }
                t.set("input_schema", tool.parameters() != null ? tool.parameters()
                        : NODES.objectNode().put("type", "object"));
            }
        }
        ToolChoice choice = request.toolChoice();
        Boolean parallel = request.options().parallelToolCalls();
        if (choice == null && !Boolean.FALSE.equals(parallel)) {
            return;
        }
        ObjectNode out = body.putObject("tool_choice");
        ToolChoice.Mode mode = choice == null ? ToolChoice.Mode.AUTO : choice.mode();
        switch (mode) {
            case NONE -> out.put("type", "none");
            case AUTO -> out.put("type", "auto");
            case REQUIRED -> out.put("type", "any");
            case NAMED -> out.put("type", "tool").put("name", choice.name());
        }
        if (Boolean.FALSE.equals(parallel) && mode != ToolChoice.Mode.NONE) {
            out.put("disable_parallel_tool_use", true);
        }
    }

    private static void options(GenerationOptions o, ObjectNode body, @Nullable Integer budget) {
        if (!o.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop_sequences");
            o.stop().forEach(stop::add);
        }
        if (o.topP() != null) {
            body.put("top_p", o.topP());
        }
        if (o.topK() != null) {
            body.put("top_k", o.topK());
        }
        if (o.user() != null) {
            body.putObject("metadata").put("user_id", o.user());
        }
        if (budget != null) {
            body.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
        }
    }

    /** The thinking budget: Anthropic-format clients give it; OpenAI's effort maps to one. */
    static @Nullable Integer thinkingBudget(GenerationOptions o) {
        if (o.thinkingBudget() != null) {
            return o.thinkingBudget();
        }
        if (o.reasoningEffort() == null) {
            return null;
        }
        return switch (o.reasoningEffort()) {
            case "minimal", "low" -> 1024;
            case "high" -> 16384;
            default -> 4096;
        };
    }

    /** A tool call's JSON text as the object Anthropic wants; text that is not an object is wrapped. */
    static JsonNode arguments(String text) {
        try {
            JsonNode node = JSON.readTree(text.isBlank() ? "{}" : text);
            return node.isObject() ? node : NODES.objectNode().set("value", node);
        } catch (JacksonException notJson) {
            return NODES.objectNode().put("value", text);
        }
    }

    private static boolean textOnly(ArrayNode blocks) {
        for (JsonNode block : blocks) {
            if (!"text".equals(block.path("type").asString(""))) {
                return false;
            }
        }
        return true;
    }

    private static String text(ArrayNode blocks) {
        StringBuilder text = new StringBuilder();
        blocks.forEach(b -> text.append(b.path("text").asString("")));
        return text.toString();
    }

    private static ArrayNode textBlock(String text) {
        ArrayNode blocks = NODES.arrayNode();
        blocks.addObject().put("type", "text").put("text", text);
        return blocks;
    }
}
