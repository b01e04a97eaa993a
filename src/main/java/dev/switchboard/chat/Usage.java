package dev.switchboard.chat;

/**
 * Token usage of one request, as the provider reported it (in OpenAI's sense: prompt tokens include
 * cached ones, completion tokens include reasoning).
 *
 * @param estimated true when counted from the text because the provider reported nothing
 * @param cachedTokens prompt tokens read from the provider's prompt cache (billed at a fraction)
 * @param cacheWriteTokens prompt tokens written to the prompt cache (Anthropic bills them extra)
 * @param reasoningTokens completion tokens spent on reasoning
 */
public record Usage(int promptTokens, int completionTokens, int totalTokens, boolean estimated, int cachedTokens,
        int cacheWriteTokens, int reasoningTokens) {

    public static final Usage NONE = new Usage(0, 0, 0, true);

    public Usage(int promptTokens, int completionTokens, int totalTokens, boolean estimated) {
        this(promptTokens, completionTokens, totalTokens, estimated, 0, 0, 0);
    }

    public static Usage reported(int prompt, int completion) {
        return new Usage(prompt, completion, prompt + completion, false);
    }

    /** Rough count (about four characters a token) used only when the provider sent no usage. */
    public static Usage estimate(int promptChars, int completionChars) {
        int prompt = (promptChars + 3) / 4;
        int completion = (completionChars + 3) / 4;
        return new Usage(prompt, completion, prompt + completion, true);
    }

    /** The same usage with the prompt-cache and reasoning details. */
    public Usage withDetails(int cached, int cacheWrite, int reasoning) {
        return new Usage(promptTokens, completionTokens, totalTokens, estimated, cached, cacheWrite, reasoning);
    }
}
