package dev.switchboard.simulator;

import java.util.List;

/**
 * One call the simulator is answering, already parsed from the wire.
 *
 * @param tokens the answer, at most {@code max_tokens} long
 * @param finishReason {@code stop}, or {@code length} when {@code max_tokens} cut the answer short
 */
record SimulatedCall(
        String id,
        String key,
        String model,
        boolean stream,
        boolean includeUsage,
        int promptTokens,
        List<String> tokens,
        String finishReason,
        long created) {

    int completionTokens() {
        return tokens.size();
    }
}
