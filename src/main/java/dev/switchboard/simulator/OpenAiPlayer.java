package dev.switchboard.simulator;

import java.util.Map;
import reactor.netty.http.server.HttpServerRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** OpenAI chat-completions bytes, as in section 1 of the provider reference. */
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
    public Integer maxTokens(JsonNode body) {
        JsonNode n = body.has("max_completion_tokens") ? body.path("max_completion_tokens") : body.path("max_tokens");
        return n.isNumber() ? n.asInt() : null;
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
        String content = String.join("", call.tokens());
        return "{\"id\":\"" + call.id() + "\",\"object\":\"chat.completion\",\"created\":" + call.created()
                + ",\"model\":" + quote(call.model()) + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":" + quote(content) + ",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,"
                + "\"finish_reason\":\"" + call.finishReason() + "\"}],\"usage\":" + usage(call)
                + ",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_simulator\"}";
    }

    @Override
    public String streamPreamble(SimulatedCall call) {
        return chunk(call, "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null");
    }

    @Override
    public String streamToken(SimulatedCall call, String token) {
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
                + ",\"total_tokens\":" + (call.promptTokens() + call.completionTokens()) + "}";
    }

    private String quote(String s) {
        return json.writeValueAsString(s);
    }
}
