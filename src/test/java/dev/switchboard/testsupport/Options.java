package dev.switchboard.testsupport;

import dev.switchboard.chat.GenerationOptions;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Builds {@link GenerationOptions}, naming only the parameters a test sets. */
public final class Options {

    private List<String> stop = List.of();
    private @Nullable Double topP;
    private @Nullable Integer topK;
    private @Nullable Long seed;
    private @Nullable Integer n;
    private @Nullable Double presencePenalty;
    private @Nullable Double frequencyPenalty;
    private @Nullable JsonNode logitBias;
    private @Nullable Boolean logprobs;
    private @Nullable Integer topLogprobs;
    private @Nullable String user;
    private @Nullable String reasoningEffort;
    private @Nullable Integer thinkingBudget;
    private @Nullable Boolean parallelToolCalls;

    private Options() {
    }

    public static Options with() {
        return new Options();
    }

    public static GenerationOptions parallelToolCalls(boolean parallel) {
        return with().parallel(parallel).build();
    }

    public static GenerationOptions reasoningEffort(String effort) {
        return with().effort(effort).build();
    }

    public Options stop(String... stop) {
        this.stop = List.of(stop);
        return this;
    }

    public Options topP(double topP) {
        this.topP = topP;
        return this;
    }

    public Options topK(int topK) {
        this.topK = topK;
        return this;
    }

    public Options seed(long seed) {
        this.seed = seed;
        return this;
    }

    public Options n(int n) {
        this.n = n;
        return this;
    }

    public Options presencePenalty(double penalty) {
        this.presencePenalty = penalty;
        return this;
    }

    public Options frequencyPenalty(double penalty) {
        this.frequencyPenalty = penalty;
        return this;
    }

    public Options logitBias(JsonNode bias) {
        this.logitBias = bias;
        return this;
    }

    public Options logprobs(boolean logprobs) {
        this.logprobs = logprobs;
        return this;
    }

    public Options topLogprobs(int topLogprobs) {
        this.topLogprobs = topLogprobs;
        return this;
    }

    public Options user(String user) {
        this.user = user;
        return this;
    }

    public Options effort(String effort) {
        this.reasoningEffort = effort;
        return this;
    }

    public Options thinkingBudget(int budget) {
        this.thinkingBudget = budget;
        return this;
    }

    public Options parallel(boolean parallel) {
        this.parallelToolCalls = parallel;
        return this;
    }

    public GenerationOptions build() {
        return new GenerationOptions(stop, topP, topK, seed, n, presencePenalty, frequencyPenalty, logitBias, logprobs,
                topLogprobs, user, reasoningEffort, thinkingBudget, parallelToolCalls);
    }
}
