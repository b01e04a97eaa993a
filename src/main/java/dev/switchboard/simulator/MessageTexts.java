package dev.switchboard.simulator;

import tools.jackson.databind.JsonNode;

/**
 * Text out of a {@code messages} array as OpenAI and Anthropic both send it: each message has a
 * {@code role} and a {@code content} that is a string or an array of blocks with {@code text}.
 */
final class MessageTexts {

    private MessageTexts() {
    }

    /** Every message's text, one per line. */
    static String all(JsonNode messages) {
        StringBuilder text = new StringBuilder();
        for (JsonNode message : messages) {
            text.append(text(message.path("content"))).append('\n');
        }
        return text.toString();
    }

    /** The text of the last {@code user} message, or empty. */
    static String lastUser(JsonNode messages) {
        String last = "";
        for (JsonNode message : messages) {
            if ("user".equals(message.path("role").asString(""))) {
                last = text(message.path("content"));
            }
        }
        return last;
    }

    /** A string, or an array of blocks whose {@code text} fields are joined. */
    static String text(JsonNode content) {
        if (content.isString()) {
            return content.stringValue();
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode block : content) {
            out.append(block.path("text").asString(""));
        }
        return out.toString();
    }
}
