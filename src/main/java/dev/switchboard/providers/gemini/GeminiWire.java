package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Gemini {@code generateContent} wire records. The request carries only fields Gemini knows: it rejects
 * unknown ones with 400 INVALID_ARGUMENT, so nothing OpenAI-only ({@code stream}, {@code stream_options})
 * may ever be added here.
 */
final class GeminiWire {

    private GeminiWire() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Request(Content systemInstruction, List<Content> contents, GenerationConfig generationConfig) {
    }

    /** Role is {@code user} or {@code model}; absent for {@code systemInstruction}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Content(String role, List<Part> parts) {
    }

    /** Only {@code text} is written; {@code thought} and {@code functionCall} are read. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Part(String text, Boolean thought, JsonNode functionCall) {

        static Part text(String text) {
            return new Part(text, null, null);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record GenerationConfig(Double temperature, Integer maxOutputTokens) {
    }

    /** One whole answer, and also every stream chunk (each holds only the new text). */
    record Response(List<Candidate> candidates, UsageMetadata usageMetadata, PromptFeedback promptFeedback,
            JsonNode error) {
    }

    record Candidate(Content content, String finishReason) {
    }

    record UsageMetadata(Integer promptTokenCount, Integer candidatesTokenCount, Integer totalTokenCount,
            Integer thoughtsTokenCount) {
    }

    record PromptFeedback(String blockReason) {
    }
}
