package dev.switchboard.providers.openai;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ContentPart;
import dev.switchboard.chat.GenerationOptions;
import dev.switchboard.chat.Passthrough;
import dev.switchboard.chat.ResponseFormat;
import dev.switchboard.chat.Tool;
import dev.switchboard.chat.ToolCall;
import dev.switchboard.chat.ToolChoice;
import dev.switchboard.providers.ModelSplice;
import dev.switchboard.providers.UpstreamRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Puts a request into chat-completions form. A request from an OpenAI-format client is relayed: its body as
 * sent, with only {@code model} replaced (plus the model's default {@code max_tokens} when the client sent
 * no limit, and {@code stream_options.include_usage} on streams so usage can be counted). Any other request
 * is built from the canonical model: every parameter the gateway knows has its OpenAI field.
 */
public final class OpenAiRequests {

    private static final byte[] NOTHING_ADDED = new byte[0];

    private OpenAiRequests() {
    }

    /** The parameters of the canonical model chat completions cannot take (Anthropic's {@code top_k}). */
    public static List<String> unsupported(ChatCommand command) {
        return command.options().topK() != null ? List.of("top_k") : List.of();
    }

    static byte[] body(JsonMapper json, UpstreamRequest request, boolean stream) {
        byte[] spliced = splice(json, request, stream);
        if (spliced != null) {
            return spliced;
        }
        ObjectNode body = request.relay() != null ? relayed(request, stream) : built(json, request, stream);
        return json.writeValueAsBytes(body);
    }

    /**
     * A relayed body as the client's bytes with the model spliced in, and what the gateway adds (the model's
     * default {@code max_tokens}; on a stream {@code "stream":true} and usage in its last chunk) put first in the
     * object when the body has no such field; null when a field the body has must change (its {@code stream}
     * not true, its {@code stream_options} without {@code include_usage: true}), and the tree is written
     * instead. Streams were always written from the tree, a copy and a serialization of the whole body, for a
     * field the client seldom sends.
     */
    private static byte @Nullable [] splice(JsonMapper json, UpstreamRequest request, boolean stream) {
        Passthrough relay = request.relay();
        if (relay == null || relay.sent() == null) {
            return null;
        }
        ObjectNode body = relay.body();
        StringBuilder added = new StringBuilder(0);
        if (request.maxTokens() != null && !body.has("max_tokens") && !body.has("max_completion_tokens")) {
            added.append("\"max_tokens\":").append(request.maxTokens()).append(',');
        }
        if (stream) {
            JsonNode flag = body.get("stream");
            JsonNode options = body.get("stream_options");
            if (flag != null && !isTrue(flag) || options != null && !isTrue(options.path("include_usage"))) {
                return null;
            }
            if (flag == null) {
                added.append("\"stream\":true,");
            }
            if (options == null) {
                added.append("\"stream_options\":{\"include_usage\":true},");
            }
        }
        return ModelSplice.replaceModel(json, relay.sent(), request.model(),
                added.isEmpty() ? NOTHING_ADDED : added.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean isTrue(JsonNode node) {
        return node.isBoolean() && node.booleanValue();
    }

    private static ObjectNode relayed(UpstreamRequest request, boolean stream) {
        ObjectNode body = request.relay().body().deepCopy();
        body.put("model", request.model());
        if (request.maxTokens() != null && !body.has("max_tokens") && !body.has("max_completion_tokens")) {
            body.put("max_tokens", request.maxTokens());
        }
        if (stream) {
            body.put("stream", true);
            JsonNode options = body.path("stream_options");
            ObjectNode streamOptions = options.isObject() ? (ObjectNode) options : body.putObject("stream_options");
            streamOptions.put("include_usage", true);
        }
        return body;
    }

    private static ObjectNode built(JsonMapper json, UpstreamRequest request, boolean stream) {
        ObjectNode body = json.createObjectNode();
        body.put("model", request.model());
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : request.messages()) {
            messages.add(message(json, m));
        }
        if (request.maxTokens() != null) {
            body.put("max_tokens", request.maxTokens());
        }
        if (request.temperature() != null) {
            body.put("temperature", request.temperature());
        }
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        tools(json, request, body);
        if (request.responseFormat() != null) {
            body.set("response_format", responseFormat(json, request.responseFormat()));
        }
        options(request.options(), body);
        return body;
    }

    private static ObjectNode message(JsonMapper json, ChatMessage m) {
        ObjectNode out = json.createObjectNode();
        out.put("role", m.role());
        if ("tool".equals(m.role())) {
            out.put("tool_call_id", m.toolCallId());
            out.put("content", m.content());
            return out;
        }
        if (m.images() > 0) {
            ArrayNode parts = out.putArray("content");
            for (ContentPart part : m.parts()) {
                if (part instanceof ContentPart.Text text) {
                    parts.addObject().put("type", "text").put("text", text.text());
                } else if (part instanceof ContentPart.Image image) {
                    ObjectNode url = parts.addObject().put("type", "image_url").putObject("image_url");
                    url.put("url", image.url());
                    if (image.detail() != null) {
                        url.put("detail", image.detail());
                    }
                }
            }
        } else if (m.toolCalls().isEmpty() || !m.content().isEmpty()) {
            out.put("content", m.content());
        } else {
            out.putNull("content");
        }
        if (!m.toolCalls().isEmpty()) {
            ArrayNode calls = out.putArray("tool_calls");
            for (ToolCall call : m.toolCalls()) {
                ObjectNode c = calls.addObject().put("id", call.id()).put("type", "function");
                c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
        }
        return out;
    }

    private static void tools(JsonMapper json, UpstreamRequest request, ObjectNode body) {
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (Tool tool : request.tools()) {
                ObjectNode function = tools.addObject().put("type", "function").putObject("function");
                function.put("name", tool.name());
                if (tool.description() != null) {
                    function.put("description", tool.description());
                }
                if (tool.parameters() != null) {
                    function.set("parameters", tool.parameters());
                }
                if (tool.strict() != null) {
                    function.put("strict", tool.strict());
                }
            }
        }
        ToolChoice choice = request.toolChoice();
        if (choice != null) {
            if (choice.mode() == ToolChoice.Mode.NAMED) {
                body.putObject("tool_choice").put("type", "function").putObject("function").put("name", choice.name());
            } else {
                body.put("tool_choice", choice.mode().name().toLowerCase(Locale.ROOT));
            }
        }
        if (request.options().parallelToolCalls() != null) {
            body.put("parallel_tool_calls", request.options().parallelToolCalls());
        }
    }

    private static ObjectNode responseFormat(JsonMapper json, ResponseFormat format) {
        ObjectNode out = json.createObjectNode();
        switch (format.type()) {
            case TEXT -> out.put("type", "text");
            case JSON_OBJECT -> out.put("type", "json_object");
            case JSON_SCHEMA -> {
                out.put("type", "json_schema");
                ObjectNode schema = out.putObject("json_schema");
                schema.put("name", format.name() == null ? "answer" : format.name());
                schema.set("schema", format.schema());
                if (format.strict() != null) {
                    schema.put("strict", format.strict());
                }
            }
        }
        return out;
    }

    private static void options(GenerationOptions o, ObjectNode body) {
        if (!o.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            o.stop().forEach(stop::add);
        }
        putIfSet(body, "top_p", o.topP());
        if (o.seed() != null) {
            body.put("seed", o.seed());
        }
        if (o.n() != null) {
            body.put("n", o.n());
        }
        putIfSet(body, "presence_penalty", o.presencePenalty());
        putIfSet(body, "frequency_penalty", o.frequencyPenalty());
        if (o.logitBias() != null) {
            body.set("logit_bias", o.logitBias());
        }
        if (o.logprobs() != null) {
            body.put("logprobs", o.logprobs());
        }
        if (o.topLogprobs() != null) {
            body.put("top_logprobs", o.topLogprobs());
        }
        if (o.user() != null) {
            body.put("user", o.user());
        }
        String effort = o.reasoningEffort() != null ? o.reasoningEffort() : effortOf(o.thinkingBudget());
        if (effort != null) {
            body.put("reasoning_effort", effort);
        }
    }

    /**
     * An Anthropic-style thinking budget as OpenAI's effort (README, fidelity table): up to 2,048 tokens
     * {@code low}, up to 8,192 {@code medium}, more {@code high}.
     */
    static @Nullable String effortOf(@Nullable Integer budget) {
        if (budget == null) {
            return null;
        }
        return budget <= 2048 ? "low" : budget <= 8192 ? "medium" : "high";
    }

    private static void putIfSet(ObjectNode body, String field, @Nullable Double value) {
        if (value != null) {
            body.put(field, value);
        }
    }
}
