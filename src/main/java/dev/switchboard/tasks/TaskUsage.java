package dev.switchboard.tasks;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.chat.Usage;

/**
 * Tokens a task used, summed over its rounds.
 *
 * @param estimated some of it was counted from the text because a provider reported nothing
 */
public record TaskUsage(
        @JsonProperty("prompt_tokens") int promptTokens,
        @JsonProperty("completion_tokens") int completionTokens,
        @JsonProperty("total_tokens") int totalTokens,
        boolean estimated) {

    static final TaskUsage NONE = new TaskUsage(0, 0, 0, false);

    public TaskUsage plus(Usage usage) {
        return new TaskUsage(promptTokens + usage.promptTokens(), completionTokens + usage.completionTokens(),
                totalTokens + usage.totalTokens(), estimated || usage.estimated());
    }
}
