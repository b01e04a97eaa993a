package dev.switchboard.providers.simulator;

import java.util.ArrayList;
import java.util.List;

/** Deterministic answer text: a greeting, the start of the prompt, then filler words. */
final class SimulatorAnswer {

    private static final String[] FILLER = ("Switchboard routes every request through one reactive pipeline, "
            + "rotating keys, falling back across providers and holding the stream until the first chunk "
            + "arrives, so a failing upstream never reaches the client.").split(" ");

    private SimulatorAnswer() {
    }

    /** The answer split into tokens (words with their trailing space). */
    static List<String> tokens(String prompt, int count) {
        List<String> words = new ArrayList<>(count + 8);
        words.add("Simulated");
        words.add("answer");
        words.add("to");
        String[] promptWords = prompt.strip().split("\\s+");
        for (int i = 0; i < Math.min(6, promptWords.length); i++) {
            if (!promptWords[i].isEmpty()) {
                words.add(i == 0 ? "\u201c" + promptWords[i] : promptWords[i]);
            }
        }
        if (words.size() > 3) {
            int last = words.size() - 1;
            words.set(last, words.get(last) + "\u201d:");
        }
        for (int i = 0; words.size() < count; i++) {
            words.add(FILLER[i % FILLER.length]);
        }
        List<String> tokens = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            tokens.add(i == count - 1 ? words.get(i) : words.get(i) + " ");
        }
        return tokens;
    }
}
