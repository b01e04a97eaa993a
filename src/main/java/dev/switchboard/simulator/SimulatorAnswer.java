package dev.switchboard.simulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Deterministic answer text: a greeting, the start of the prompt, then filler words. Models whose name
 * contains {@code json} answer with a JSON object derived from the last user message instead; with
 * {@code json-repair} the first answer is broken JSON and only a conversation that already holds an
 * assistant turn (a repair round) gets the valid object.
 */
final class SimulatorAnswer {

    private static final String[] FILLER = ("Switchboard routes every request through one reactive pipeline, "
            + "rotating keys, falling back across providers and holding the stream until the first chunk "
            + "arrives, so a failing upstream never reaches the client.").split(" ");

    private SimulatorAnswer() {
    }

    /**
     * The answer tokens for a model: JSON for {@code *json*} models (whole, whatever {@code count}),
     * filler text otherwise.
     */
    static List<String> tokens(String model, JsonNode body, String lastUserText, int count) {
        if (!jsonModel(model)) {
            return tokens(lastUserText, count);
        }
        String answer = jsonAnswer(lastUserText);
        if (model.toLowerCase(Locale.ROOT).contains("json-repair") && !hasAssistantTurn(body)) {
            answer = "Sure, here is the JSON you asked for: " + answer.substring(0, answer.length() - 1);
        }
        return chunks(answer, 16);
    }

    /** Whether the model answers JSON whatever it is asked ({@code *json*} models). */
    static boolean jsonModel(String model) {
        return model.toLowerCase(Locale.ROOT).contains("json");
    }

    /** Text split into tokens at spaces, each word keeping the space that follows it. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ' ') {
                words.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            words.add(text.substring(start));
        }
        return words;
    }

    /** Fixed-size pieces, never splitting a surrogate pair. */
    static List<String> chunks(String text, int size) {
        List<String> chunks = new ArrayList<>(text.length() / size + 1);
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + size);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end++;
            }
            chunks.add(text.substring(start, end));
            start = end;
        }
        return chunks;
    }

    /** A JSON object made from the prompt: a summary, an excerpt, a word count and keywords. */
    static String jsonAnswer(String prompt) {
        String[] words = prompt.strip().isEmpty() ? new String[0] : prompt.strip().split("\\s+");
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("summary", "Simulated JSON answer to a prompt of " + words.length + " words.");
        answer.put("excerpt", String.join(" ", Arrays.copyOf(words, Math.min(12, words.length))));
        answer.put("word_count", words.length);
        var keywords = answer.putArray("keywords");
        Arrays.stream(words)
                .map(w -> w.replaceAll("[^\\p{L}\\p{N}]", "").toLowerCase(Locale.ROOT))
                .filter(w -> w.length() > 3)
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
                .limit(5)
                .forEach(keywords::add);
        answer.put("source", "switchboard-simulator");
        return answer.toString();
    }

    /** Whether the conversation already has an assistant turn (OpenAI/Anthropic {@code messages}, Gemini {@code contents}). */
    static boolean hasAssistantTurn(JsonNode body) {
        for (JsonNode message : body.path("messages")) {
            if ("assistant".equals(message.path("role").asString(""))) {
                return true;
            }
        }
        for (JsonNode content : body.path("contents")) {
            if ("model".equals(content.path("role").asString(""))) {
                return true;
            }
        }
        return false;
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
