package dev.switchboard.chat;

import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The generation parameters beyond {@code max_tokens} and {@code temperature}, in OpenAI's vocabulary
 * ({@code thinkingBudget} and {@code topK} come from Anthropic-format clients). Null means not given.
 *
 * @param stop stop sequences (empty when none)
 * @param n how many answers (choices); more than one only where the provider can produce them
 * @param logitBias token id to bias, as the client sent it
 * @param user an end-user id for the provider's abuse monitoring
 * @param reasoningEffort {@code minimal|low|medium|high}
 * @param thinkingBudget Anthropic's {@code thinking.budget_tokens}
 */
public record GenerationOptions(
        List<String> stop,
        @Nullable Double topP,
        @Nullable Integer topK,
        @Nullable Long seed,
        @Nullable Integer n,
        @Nullable Double presencePenalty,
        @Nullable Double frequencyPenalty,
        @Nullable JsonNode logitBias,
        @Nullable Boolean logprobs,
        @Nullable Integer topLogprobs,
        @Nullable String user,
        @Nullable String reasoningEffort,
        @Nullable Integer thinkingBudget,
        @Nullable Boolean parallelToolCalls) {

    public static final GenerationOptions NONE = new GenerationOptions(List.of(), null, null, null, null, null, null,
            null, null, null, null, null, null, null);

    public GenerationOptions {
        stop = List.copyOf(stop);
    }

    /** The number of answers asked for (1 unless {@code n} says more). */
    public int choices() {
        return n == null || n < 1 ? 1 : n;
    }
}
