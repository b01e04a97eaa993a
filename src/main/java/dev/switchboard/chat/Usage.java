package dev.switchboard.chat;

/**
 * Token usage of one request.
 *
 * @param estimated true when counted from the text because the provider reported nothing
 */
public record Usage(int promptTokens, int completionTokens, int totalTokens, boolean estimated) {

    public static final Usage NONE = new Usage(0, 0, 0, true);

    public static Usage reported(int prompt, int completion) {
        return new Usage(prompt, completion, prompt + completion, false);
    }

    /** Rough count (about four characters a token) used only when the provider sent no usage. */
    public static Usage estimate(int promptChars, int completionChars) {
        int prompt = (promptChars + 3) / 4;
        int completion = (completionChars + 3) / 4;
        return new Usage(prompt, completion, prompt + completion, true);
    }
}
