package dev.switchboard.simulator;

import dev.switchboard.simulator.SimulatedCall.ToolCall;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServerRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Gemini bytes, as in section 3 of the provider reference: the model in the path, chunks as
 * {@code data:} events framed with {@code \r\n\r\n} and the service's {@code ": "} spacing,
 * {@code usageMetadata} on every chunk (final counts only on the last), no end marker, and
 * {@code google.rpc} details in errors. Reasoning comes as {@code "thought": true} text parts (counted in
 * {@code thoughtsTokenCount}), a tool call as one {@code functionCall} part with the whole arguments.
 */
final class GeminiPlayer implements WirePlayer {

    private static final String SEP = "\r\n\r\n";

    private final JsonMapper json;

    GeminiPlayer(JsonMapper json) {
        this.json = json;
    }

    /** The header the SDKs send, or the {@code ?key=} form some clients use. */
    @Override
    public String key(HttpServerRequest request) {
        String key = request.requestHeaders().get("x-goog-api-key");
        if (key != null) {
            return key.trim();
        }
        String uri = request.uri();
        int at = uri.indexOf("key=");
        if (at < 0 || (uri.charAt(at - 1) != '?' && uri.charAt(at - 1) != '&')) {
            return "";
        }
        int end = uri.indexOf('&', at);
        return uri.substring(at + 4, end < 0 ? uri.length() : end);
    }

    @Override
    public String model(HttpServerRequest request, JsonNode body) {
        String model = request.param("model");
        return model == null || model.isEmpty() ? "gemini-sim" : model;
    }

    @Override
    public boolean stream(HttpServerRequest request, JsonNode body) {
        return request.uri().contains(":streamGenerateContent");
    }

    /** Gemini reports usage on every chunk. */
    @Override
    public boolean includeUsage(JsonNode body) {
        return true;
    }

    @Override
    public String prompt(JsonNode body) {
        StringBuilder text = new StringBuilder(MessageTexts.parts(body.path("systemInstruction"))).append('\n');
        for (JsonNode content : body.path("contents")) {
            text.append(MessageTexts.parts(content)).append('\n');
        }
        return text.toString();
    }

    @Override
    public String lastUserText(JsonNode body) {
        return MessageTexts.parts(MessageTexts.lastUserContent(body.path("contents")));
    }

    @Override
    public @Nullable Integer maxTokens(JsonNode body) {
        JsonNode n = body.path("generationConfig").path("maxOutputTokens");
        return n.isNumber() ? n.asInt() : null;
    }

    @Override
    public RequestFeatures features(JsonNode body) {
        return new RequestFeatures(OfferedTools.gemini(body), ToolResults.gemini(body), ImageParts.gemini(body),
                ResponseFormats.gemini(body), ReasoningRequests.gemini(body));
    }

    /** Gemini sends a function call whole, in one chunk. */
    @Override
    public List<String> argumentPieces(String arguments) {
        return List.of(arguments);
    }

    @Override
    public HttpAnswer modelNotFound(SimulatedCall call) {
        return new HttpAnswer(404, Map.of(), "{\"error\":{\"code\":404,\"message\":\"models/" + call.model()
                + " is not found for API version v1beta, or is not supported for generateContent.\","
                + "\"status\":\"NOT_FOUND\"}}");
    }

    @Override
    public HttpAnswer error(SimulatorKey fault, SimulatedCall call) {
        return switch (fault.fault()) {
            case RATE_LIMITED -> new HttpAnswer(429, Map.of(), resourceExhausted(call,
                    "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "15", fault.arg()));
            case INVALID_KEY -> new HttpAnswer(400, Map.of(), "{\"error\":{\"code\":400,\"message\":\"API key not valid."
                    + " Please pass a valid API key.\",\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":"
                    + "\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\",\"domain\":"
                    + "\"googleapis.com\",\"metadata\":{\"service\":\"generativelanguage.googleapis.com\"}},{\"@type\":"
                    + "\"type.googleapis.com/google.rpc.LocalizedMessage\",\"locale\":\"en-US\",\"message\":"
                    + "\"API key not valid. Please pass a valid API key.\"}]}}");
            case QUOTA_EXCEEDED -> new HttpAnswer(429, Map.of(), resourceExhausted(call,
                    "GenerateRequestsPerDayPerProjectPerModel-FreeTier", "20", 19));
            case CONTEXT_TOO_LONG -> new HttpAnswer(400, Map.of(), "{\"error\":{\"code\":400,\"message\":\"The input token"
                    + " count (1200000) exceeds the maximum number of tokens allowed (1048576).\",\"status\":"
                    + "\"INVALID_ARGUMENT\"}}");
            default -> fault.arg() == 503
                    ? new HttpAnswer(503, Map.of(), "{\"error\":{\"code\":503,\"message\":\"The model is overloaded."
                            + " Please try again later.\",\"status\":\"UNAVAILABLE\"}}")
                    : new HttpAnswer(fault.arg() >= 500 ? fault.arg() : 500, Map.of(), "{\"error\":{\"code\":500,"
                            + "\"message\":\"An internal error has occurred. Please retry or report in"
                            + " https://developers.generativeai.google/guide/troubleshooting\",\"status\":\"INTERNAL\"}}");
        };
    }

    @Override
    public String completion(SimulatedCall call) {
        String thought = call.reasoning().isEmpty() ? "" : thoughtPart(call.reasoningText()) + ",";
        return "{\"candidates\": [{\"content\": {\"parts\": [" + thought + answerPart(call, call.text())
                + "],\"role\": \"model\"},\"finishReason\": \"" + finishReason(call) + "\",\"index\": 0}],"
                + "\"usageMetadata\": " + finalUsage(call) + "," + trailer(call) + "}";
    }

    /** Gemini sends nothing before the first text. */
    @Override
    public String streamPreamble(SimulatedCall call) {
        return "";
    }

    @Override
    public String streamReasoning(SimulatedCall call, String token) {
        return chunk(call, thoughtPart(token));
    }

    @Override
    public String streamAnswerStart(SimulatedCall call) {
        return "";
    }

    /** A text chunk, or the function call (its one piece is the whole arguments). */
    @Override
    public String streamToken(SimulatedCall call, String token) {
        return chunk(call, answerPart(call, token));
    }

    /** The last chunk: an empty text part, the finish reason and the final usage; then the body ends. */
    @Override
    public String streamEnd(SimulatedCall call) {
        return "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"\"}],\"role\": \"model\"},\"finishReason\": \""
                + finishReason(call) + "\"}],\"usageMetadata\": " + finalUsage(call) + "," + trailer(call) + "}" + SEP;
    }

    @Override
    public String streamError(SimulatedCall call) {
        return "data: {\"error\": {\"code\": 500, \"message\": \"An internal error has occurred. Please retry or report in"
                + " https://developers.generativeai.google/guide/troubleshooting\", \"status\": \"INTERNAL\"}}" + SEP;
    }

    @Override
    public String models() {
        return "{\"models\":[{\"name\":\"models/gemini-sim-flash\",\"baseModelId\":\"gemini-sim-flash\",\"version\":\"1\","
                + "\"displayName\":\"Gemini Simulated Flash\",\"inputTokenLimit\":1048576,\"outputTokenLimit\":8192,"
                + "\"supportedGenerationMethods\":[\"generateContent\",\"countTokens\"]}]}";
    }

    private String resourceExhausted(SimulatedCall call, String quotaId, String quotaValue, int retrySeconds) {
        return "{\"error\":{\"code\":429,\"message\":\"You exceeded your current quota, please check your plan and"
                + " billing details. For more information on this error, head to:"
                + " https://ai.google.dev/gemini-api/docs/rate-limits.\",\"status\":\"RESOURCE_EXHAUSTED\",\"details\":["
                + "{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaMetric\":"
                + "\"generativelanguage.googleapis.com/generate_content_free_tier_requests\",\"quotaId\":\"" + quotaId
                + "\",\"quotaDimensions\":{\"location\":\"global\",\"model\":" + quote(call.model()) + "},\"quotaValue\":\""
                + quotaValue + "\"}]},{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\""
                + retrySeconds + "s\"}]}}";
    }

    private String chunk(SimulatedCall call, String part) {
        return "data: {\"candidates\": [{\"content\": {\"parts\": [" + part + "],\"role\": \"model\"}}],"
                + "\"usageMetadata\": {\"promptTokenCount\": " + call.promptTokens() + ",\"totalTokenCount\": "
                + call.promptTokens() + "}," + trailer(call) + "}" + SEP;
    }

    private String answerPart(SimulatedCall call, String text) {
        ToolCall tool = call.toolCall();
        return tool == null ? "{\"text\": " + quote(text) + "}"
                : "{\"functionCall\": {\"name\": " + quote(tool.name()) + ",\"args\": " + tool.arguments() + "}}";
    }

    private String thoughtPart(String text) {
        return "{\"text\": " + quote(text) + ",\"thought\": true}";
    }

    /** Answer tokens in {@code candidatesTokenCount}, reasoning in {@code thoughtsTokenCount}, both in the total. */
    private static String finalUsage(SimulatedCall call) {
        int answer = call.tokens().size();
        int thoughts = call.reasoning().size();
        return "{\"promptTokenCount\": " + call.promptTokens() + ",\"candidatesTokenCount\": " + answer
                + ",\"totalTokenCount\": " + (call.promptTokens() + answer + thoughts)
                + (thoughts == 0 ? "" : ",\"thoughtsTokenCount\": " + thoughts)
                + (call.cachedTokens() == 0 ? "" : ",\"cachedContentTokenCount\": " + call.cachedTokens()) + "}";
    }

    private String trailer(SimulatedCall call) {
        return "\"modelVersion\": " + quote(call.model()) + ",\"responseId\": \"" + call.id().replace("chatcmpl-", "") + "\"";
    }

    private static String finishReason(SimulatedCall call) {
        return "length".equals(call.finishReason()) ? "MAX_TOKENS" : "STOP";
    }

    private String quote(String s) {
        return json.writeValueAsString(s);
    }
}
