package dev.switchboard.simulator;

import static dev.switchboard.simulator.MessageTexts.string;

import tools.jackson.databind.JsonNode;

/** Whether a request asks to see the model's reasoning. */
final class ReasoningRequests {

    private ReasoningRequests() {
    }

    /** {@code reasoning_effort} present (any value but {@code none}). */
    static boolean openAi(JsonNode body) {
        JsonNode effort = body.path("reasoning_effort");
        return !effort.isMissingNode() && !effort.isNull() && !"none".equals(string(effort));
    }

    /** {@code thinking: {"type":"enabled","budget_tokens":N}}. */
    static boolean anthropic(JsonNode body) {
        return "enabled".equals(string(body.path("thinking").path("type")));
    }

    /** {@code generationConfig.thinkingConfig.includeThoughts: true}. */
    static boolean gemini(JsonNode body) {
        JsonNode include = body.path("generationConfig").path("thinkingConfig").path("includeThoughts");
        return include.isBoolean() && include.booleanValue();
    }
}
