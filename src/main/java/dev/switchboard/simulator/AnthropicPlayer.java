package dev.switchboard.simulator;

import dev.switchboard.simulator.SimulatedCall.ToolCall;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServerRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Anthropic Messages bytes, as in section 2 of the provider reference: named events with compact JSON,
 * a {@code ping} before the first delta, usage in message_start and message_delta, {@code message_stop}
 * at the end, {@code event: error} for in-band failures. Reasoning is a {@code thinking} block at index
 * 0 (thinking deltas, then a signature), the answer a {@code text} or {@code tool_use} block after it
 * (arguments as {@code input_json_delta} fragments).
 */
final class AnthropicPlayer implements WirePlayer {

    private final JsonMapper json;

    AnthropicPlayer(JsonMapper json) {
        this.json = json;
    }

    @Override
    public String key(HttpServerRequest request) {
        String key = request.requestHeaders().get("x-api-key");
        return key == null ? "" : key.trim();
    }

    @Override
    public String model(HttpServerRequest request, JsonNode body) {
        return body.path("model").asString("claude-sim");
    }

    @Override
    public boolean stream(HttpServerRequest request, JsonNode body) {
        return body.path("stream").asBoolean(false);
    }

    /** Anthropic always reports usage. */
    @Override
    public boolean includeUsage(JsonNode body) {
        return true;
    }

    @Override
    public String prompt(JsonNode body) {
        return MessageTexts.text(body.path("system")) + '\n' + MessageTexts.all(body.path("messages"));
    }

    @Override
    public String lastUserText(JsonNode body) {
        return MessageTexts.lastUser(body.path("messages"));
    }

    @Override
    public @Nullable Integer maxTokens(JsonNode body) {
        JsonNode n = body.path("max_tokens");
        return n.isNumber() ? n.asInt() : null;
    }

    /** No response format: a JSON answer is asked for with a forced tool. */
    @Override
    public RequestFeatures features(JsonNode body) {
        return new RequestFeatures(OfferedTools.anthropic(body), ToolResults.anthropic(body), ImageParts.anthropic(body),
                null, ReasoningRequests.anthropic(body));
    }

    @Override
    public HttpAnswer modelNotFound(SimulatedCall call) {
        return new HttpAnswer(404, Map.of(), "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\","
                + "\"message\":\"model: " + call.model() + "\"},\"request_id\":\"req_sim\"}");
    }

    @Override
    public HttpAnswer error(SimulatorKey fault, SimulatedCall call) {
        return switch (fault.fault()) {
            case RATE_LIMITED -> new HttpAnswer(429, Map.of("retry-after", Integer.toString(fault.arg())),
                    envelope("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"
                            + " (https://docs.anthropic.com/en/api/rate-limits); see the response headers for current"
                            + " usage. Please reduce the prompt length or the maximum tokens requested, or try again"
                            + " later.", call));
            case INVALID_KEY -> new HttpAnswer(401, Map.of(), envelope("authentication_error", "invalid x-api-key", call));
            case QUOTA_EXCEEDED -> new HttpAnswer(400, Map.of(), envelope("invalid_request_error",
                    "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to"
                            + " upgrade or purchase credits.", call));
            case CONTEXT_TOO_LONG -> new HttpAnswer(400, Map.of(), envelope("invalid_request_error",
                    "prompt is too long: 205351 tokens > 200000 maximum", call));
            default -> {
                int status = fault.arg() >= 500 ? fault.arg() : 500;
                yield status == 529
                        ? new HttpAnswer(529, Map.of(), envelope("overloaded_error", "Overloaded", call))
                        : new HttpAnswer(status, Map.of(), envelope("api_error", "Internal server error", call));
            }
        };
    }

    @Override
    public String completion(SimulatedCall call) {
        ToolCall tool = call.toolCall();
        String answer = tool == null ? "{\"type\":\"text\",\"text\":" + quote(call.text()) + "}"
                : "{\"type\":\"tool_use\",\"id\":\"" + toolUseId(tool) + "\",\"name\":" + quote(tool.name())
                        + ",\"input\":" + tool.arguments() + "}";
        String thinking = call.reasoning().isEmpty() ? "" : "{\"type\":\"thinking\",\"thinking\":"
                + quote(call.reasoningText()) + ",\"signature\":\"" + signature(call) + "\"},";
        return "{\"id\":\"" + messageId(call) + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
                + quote(call.model()) + ",\"content\":[" + thinking + answer + "],\"stop_reason\":\"" + stopReason(call)
                + "\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + (call.promptTokens() - call.cachedTokens())
                + ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":" + call.cachedTokens()
                + ",\"output_tokens\":"
                + call.completionTokens() + ",\"service_tier\":\"standard\"}}";
    }

    /** {@code message_start}, the first block's start (thinking, or the answer), a ping. */
    @Override
    public String streamPreamble(SimulatedCall call) {
        return event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"" + messageId(call)
                        + "\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":" + quote(call.model())
                        + ",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + (call.promptTokens() - call.cachedTokens())
                        + ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":" + call.cachedTokens()
                        + ",\"output_tokens\":1}}}")
                + (call.reasoning().isEmpty() ? answerBlockStart(call)
                        : blockStart(0, "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}"))
                + event("ping", "{\"type\": \"ping\"}");
    }

    @Override
    public String streamReasoning(SimulatedCall call, String token) {
        return delta(0, "{\"type\":\"thinking_delta\",\"thinking\":" + quote(token) + "}");
    }

    /** After thinking: its signature and stop, then the answer block's start at index 1. */
    @Override
    public String streamAnswerStart(SimulatedCall call) {
        if (call.reasoning().isEmpty()) {
            return "";
        }
        return delta(0, "{\"type\":\"signature_delta\",\"signature\":\"" + signature(call) + "\"}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + answerBlockStart(call);
    }

    @Override
    public String streamToken(SimulatedCall call, String token) {
        return delta(answerIndex(call), call.toolCall() == null
                ? "{\"type\":\"text_delta\",\"text\":" + quote(token) + "}"
                : "{\"type\":\"input_json_delta\",\"partial_json\":" + quote(token) + "}");
    }

    @Override
    public String streamEnd(SimulatedCall call) {
        return event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + answerIndex(call) + "}")
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason(call)
                        + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + call.completionTokens() + "}}")
                + event("message_stop", "{\"type\":\"message_stop\"}");
    }

    @Override
    public String streamError(SimulatedCall call) {
        return event("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
    }

    @Override
    public String models() {
        return "{\"data\":[{\"type\":\"model\",\"id\":\"claude-sim-fast\",\"display_name\":\"Claude Simulated Fast\","
                + "\"created_at\":\"2025-09-29T00:00:00Z\"},{\"type\":\"model\",\"id\":\"claude-sim-smart\","
                + "\"display_name\":\"Claude Simulated Smart\",\"created_at\":\"2025-09-29T00:00:00Z\"}],"
                + "\"has_more\":false,\"first_id\":\"claude-sim-fast\",\"last_id\":\"claude-sim-smart\"}";
    }

    private String envelope(String type, String message, SimulatedCall call) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":" + quote(message)
                + "},\"request_id\":\"req_" + call.id().replace("chatcmpl-", "") + "\"}";
    }

    private String answerBlockStart(SimulatedCall call) {
        ToolCall tool = call.toolCall();
        return blockStart(answerIndex(call), tool == null ? "{\"type\":\"text\",\"text\":\"\"}"
                : "{\"type\":\"tool_use\",\"id\":\"" + toolUseId(tool) + "\",\"name\":" + quote(tool.name())
                        + ",\"input\":{}}");
    }

    private static String blockStart(int index, String block) {
        return event("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index
                + ",\"content_block\":" + block + "}");
    }

    private static String delta(int index, String delta) {
        return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
                + ",\"delta\":" + delta + "}");
    }

    /** The answer's block comes after the thinking block, if any. */
    private static int answerIndex(SimulatedCall call) {
        return call.reasoning().isEmpty() ? 0 : 1;
    }

    private static String toolUseId(ToolCall tool) {
        return "toolu_sim" + tool.number();
    }

    /** Opaque, like the real one: base64 of a fixed text and the message id. */
    private static String signature(SimulatedCall call) {
        return Base64.getEncoder().encodeToString(("switchboard-simulator:" + messageId(call))
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    private static String messageId(SimulatedCall call) {
        return call.id().replace("chatcmpl-", "msg_");
    }

    private static String stopReason(SimulatedCall call) {
        return switch (call.finishReason()) {
            case "length" -> "max_tokens";
            case "tool_calls" -> "tool_use";
            default -> "end_turn";
        };
    }

    private String quote(String s) {
        return json.writeValueAsString(s);
    }
}
