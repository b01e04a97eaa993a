package dev.switchboard.providers.gemini;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Gemini {@code generateContent} wire records for what comes in; requests are built as JSON trees
 * ({@link GeminiRequests}), with only fields Gemini knows.
 */
final class GeminiWire {

    private GeminiWire() {
    }

    /** One whole answer, and also every stream chunk (each holds only the new text). */
    record Response(List<Candidate> candidates, UsageMetadata usageMetadata, PromptFeedback promptFeedback,
            JsonNode error) {
    }

    record Candidate(Content content, String finishReason, Integer index) {
    }

    /** Role is {@code user} or {@code model}. */
    record Content(String role, List<Part> parts) {
    }

    /** A part: {@code text} (a thought when {@code thought} is true) or a {@code functionCall}. */
    record Part(String text, Boolean thought, FunctionCall functionCall) {
    }

    record FunctionCall(String id, String name, JsonNode args) {
    }

    record UsageMetadata(Integer promptTokenCount, Integer candidatesTokenCount, Integer totalTokenCount,
            Integer thoughtsTokenCount, Integer cachedContentTokenCount) {
    }

    record PromptFeedback(String blockReason) {
    }
}
