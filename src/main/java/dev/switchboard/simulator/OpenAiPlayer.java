package dev.switchboard.simulator;

import dev.switchboard.simulator.SimulatedCall.ToolCall;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServerRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * OpenAI chat-completions bytes, as in section 1 of the provider reference. A tool call is a message
 * with {@code tool_calls} (streamed: the call's id and name first, then {@code arguments} fragments);
 * reasoning is {@code reasoning_content}, counted in {@code completion_tokens_details.reasoning_tokens}.
 */
final class OpenAiPlayer implements WirePlayer {

    private final JsonMapper json;

    OpenAiPlayer(JsonMapper json) {
        this.json = json;
    }

    @Override
    public String key(HttpServerRequest request) {
        String auth = request.requestHeaders().get("Authorization");
        return auth != null && auth.startsWith("Bearer ") ? auth.substring(7).trim() : "";
    }

    @Override
    public String model(HttpServerRequest request, JsonNode body) {
        return body.path("model").asString("sim-model");
    }

    @Override
    public boolean stream(HttpServerRequest request, JsonNode body) {
        return body.path("stream").asBoolean(false);
    }

    @Override
    public boolean includeUsage(JsonNode body) {
        return body.path("stream_options").path("include_usage").asBoolean(false);
    }

    @Override
    public String prompt(JsonNode body) {
        return MessageTexts.all(body.path("messages"));
    }

    @Override
    public String lastUserText(JsonNode body) {
        return MessageTexts.lastUser(body.path("messages"));
    }

    @Override
    public @Nullable Integer maxTokens(JsonNode body) {
        JsonNode n = body.has("max_completion_tokens") ? body.path("max_completion_tokens") : body.path("max_tokens");
        return n.isNumber() ? n.asInt() : null;
    }

    @Override
    public RequestFeatures features(JsonNode body) {
        return new RequestFeatures(OfferedTools.openAi(body), ToolResults.openAi(body), ImageParts.openAi(body),
                ResponseFormats.openAi(body), ReasoningRequests.openAi(body));
    }

    @Override
    public HttpAnswer modelNotFound(SimulatedCall call) {
        return new HttpAnswer(404, Map.of(), "{\"error\":{\"message\":\"The model `" + call.model()
                + "` does not exist or you do not have access to it.\",\"type\":\"invalid_request_error\","
                + "\"param\":null,\"code\":\"model_not_found\"}}");
    }

    @Override
    public HttpAnswer error(SimulatorKey fault, SimulatedCall call) {
        return switch (fault.fault()) {
            case RATE_LIMITED -> new HttpAnswer(429, Map.of("retry-after", Integer.toString(fault.arg())),
                    "{\"error\":{\"message\":\"Rate limit reached for " + call.model()
                            + " in organization org-sim on requests per min (RPM): Limit 3, Used 3, Requested 1."
                            + " Please try again in " + fault.arg() + "s.\",\"type\":\"requests\",\"param\":null,"
                            + "\"code\":\"rate_limit_exceeded\"}}");
            case INVALID_KEY -> new HttpAnswer(401, Map.of(),
                    "{\"error\":{\"message\":\"Incorrect API key provided: " + call.key()
                            + ". You can find your API key at https://platform.openai.com/account/api-keys.\","
                            + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
            case QUOTA_EXCEEDED -> new HttpAnswer(429, Map.of(),
                    "{\"error\":{\"message\":\"You exceeded your current quota, please check your plan and billing"
                            + " details.\",\"type\":\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}");
            case CONTEXT_TOO_LONG -> new HttpAnswer(400, Map.of(),
                    "{\"error\":{\"message\":\"This model's maximum context length is 128000 tokens. However, your"
                            + " messages resulted in 130000 tokens. Please reduce the length of the messages.\","
                            + "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}");
            default -> new HttpAnswer(fault.arg() >= 500 ? fault.arg() : 500, Map.of(),
                    fault.arg() == 503
                            ? "{\"error\":{\"message\":\"The engine is currently overloaded, please try again later.\","
                                    + "\"type\":\"server_error\",\"param\":null,\"code\":null}}"
                            : "{\"error\":{\"message\":\"The server had an error while processing your request."
                                    + " Sorry about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
        };
    }

    @Override
    public String completion(SimulatedCall call) {
        ToolCall tool = call.toolCall();
        String message = "{\"role\":\"assistant\",\"content\":" + (tool == null ? quote(call.text()) : "null")
                + (call.reasoning().isEmpty() ? "" : ",\"reasoning_content\":" + quote(call.reasoningText()))
                + (tool == null ? "" : ",\"tool_calls\":[{\"id\":\"" + callId(tool) + "\",\"type\":\"function\","
                        + "\"function\":{\"name\":" + quote(tool.name()) + ",\"arguments\":" + quote(tool.arguments()) + "}}]")
                + ",\"refusal\":null,\"annotations\":[]}";
        return "{\"id\":\"" + call.id() + "\",\"object\":\"chat.completion\",\"created\":" + call.created()
                + ",\"model\":" + quote(call.model()) + ",\"choices\":[{\"index\":0,\"message\":" + message
                + ",\"logprobs\":null,\"finish_reason\":\"" + call.finishReason() + "\"}],\"usage\":" + usage(call)
                + ",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_simulator\"}";
    }

    /** The role chunk; for a tool call without reasoning it also opens the call, as OpenAI does. */
    @Override
    public String streamPreamble(SimulatedCall call) {
        ToolCall tool = call.toolCall();
        if (tool != null && call.reasoning().isEmpty()) {
            return chunk(call, "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + toolCallStart(tool)
                    + "],\"refusal\":null}", "null");
        }
        return chunk(call, "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null");
    }

    @Override
    public String streamReasoning(SimulatedCall call, String token) {
        return chunk(call, "{\"reasoning_content\":" + quote(token) + "}", "null");
    }

    /** After reasoning, a tool call is opened in its own chunk. */
    @Override
    public String streamAnswerStart(SimulatedCall call) {
        ToolCall tool = call.toolCall();
        return tool != null && !call.reasoning().isEmpty()
                ? chunk(call, "{\"tool_calls\":[" + toolCallStart(tool) + "]}", "null") : "";
    }

    @Override
    public String streamToken(SimulatedCall call, String token) {
        if (call.toolCall() != null) {
            return chunk(call, "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":" + quote(token) + "}}]}", "null");
        }
        return chunk(call, "{\"content\":" + quote(token) + "}", "null");
    }

    @Override
    public String streamEnd(SimulatedCall call) {
        String end = chunk(call, "{}", "\"" + call.finishReason() + "\"");
        if (call.includeUsage()) {
            end += "data: {\"id\":\"" + call.id() + "\",\"object\":\"chat.completion.chunk\",\"created\":" + call.created()
                    + ",\"model\":" + quote(call.model()) + ",\"system_fingerprint\":\"fp_simulator\",\"choices\":[],"
                    + "\"usage\":" + usage(call) + "}\n\n";
        }
        return end + "data: [DONE]\n\n";
    }

    @Override
    public String streamError(SimulatedCall call) {
        return "data: {\"error\":{\"message\":\"The server had an error while processing your request.\","
                + "\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n";
    }

    @Override
    public String models() {
        return "{\"object\":\"list\",\"data\":[{\"id\":\"sim-fast\",\"object\":\"model\",\"created\":1721172741,"
                + "\"owned_by\":\"switchboard-simulator\"},{\"id\":\"sim-smart\",\"object\":\"model\","
                + "\"created\":1721172741,\"owned_by\":\"switchboard-simulator\"}]}";
    }

    private String chunk(SimulatedCall call, String delta, String finishReason) {
        return "data: {\"id\":\"" + call.id() + "\",\"object\":\"chat.completion.chunk\",\"created\":" + call.created()
                + ",\"model\":" + quote(call.model()) + ",\"system_fingerprint\":\"fp_simulator\",\"choices\":[{\"index\":0,"
                + "\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finishReason + "}]"
                + (call.includeUsage() ? ",\"usage\":null" : "") + "}\n\n";
    }

    private static String usage(SimulatedCall call) {
        return "{\"prompt_tokens\":" + call.promptTokens() + ",\"completion_tokens\":" + call.completionTokens()
                + ",\"total_tokens\":" + (call.promptTokens() + call.completionTokens())
                + (call.cachedTokens() == 0 ? "" : ",\"prompt_tokens_details\":{\"cached_tokens\":"
                        + call.cachedTokens() + "}")
                + (call.reasoning().isEmpty() ? "" : ",\"completion_tokens_details\":{\"reasoning_tokens\":"
                        + call.reasoning().size() + "}")
                + "}";
    }

    private String toolCallStart(ToolCall tool) {
        return "{\"index\":0,\"id\":\"" + callId(tool) + "\",\"type\":\"function\",\"function\":{\"name\":"
                + quote(tool.name()) + ",\"arguments\":\"\"}}";
    }

    private static String callId(ToolCall tool) {
        return "call_sim" + tool.number();
    }

    private String quote(String s) {
        return json.writeValueAsString(s);
    }
}
