package dev.switchboard.tasks;

import dev.switchboard.chat.ChatMessage;
import dev.switchboard.tasks.templates.TaskSchema;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON rules of strict tasks: an answer must be one JSON object or array (a single Markdown code
 * fence around it is tolerated, nothing else), free of duplicate keys and trailing text, and match the
 * task's schema when it has one. A failed check yields the follow-up messages of the one repair round.
 */
public final class StrictJson {

    private static final int MAX_ERROR_CHARS = 300;

    private final JsonMapper strict;

    public StrictJson(JsonMapper json) {
        this.strict = json.rebuild()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    /** Why an answer was not accepted. */
    public enum Failure {
        INVALID_JSON("invalid_json", "is not valid JSON"),
        SCHEMA_MISMATCH("schema_mismatch", "does not match the task's JSON schema");

        private final String code;
        private final String phrase;

        Failure(String code, String phrase) {
            this.code = code;
            this.phrase = phrase;
        }

        public String code() {
            return code;
        }

        public String phrase() {
            return phrase;
        }
    }

    /** The parsed answer, or why it is not acceptable. */
    public record Verdict(@Nullable JsonNode parsed, @Nullable Failure failure, String detail) {

        public boolean accepted() {
            return failure == null;
        }
    }

    public Verdict check(String answer, @Nullable TaskSchema schema) {
        JsonNode parsed;
        try {
            parsed = strict.readTree(unfenced(answer));
        } catch (JacksonException e) {
            return new Verdict(null, Failure.INVALID_JSON, shorten(e.getOriginalMessage()) + location(e));
        }
        if (parsed == null || parsed.isMissingNode() || !(parsed.isObject() || parsed.isArray())) {
            return new Verdict(null, Failure.INVALID_JSON, "expected a JSON object or array, got "
                    + (parsed == null || parsed.isMissingNode() ? "nothing" : parsed.getNodeType().name().toLowerCase()));
        }
        if (schema != null) {
            List<String> violations = schema.violations(parsed);
            if (!violations.isEmpty()) {
                return new Verdict(parsed, Failure.SCHEMA_MISMATCH, String.join("; ", violations));
            }
        }
        return new Verdict(parsed, null, "");
    }

    /** The prompt of the repair round: the original conversation, the rejected answer, and what to fix. */
    public List<ChatMessage> repairConversation(List<ChatMessage> prompt, String answer, Verdict verdict,
            @Nullable TaskSchema schema) {
        List<ChatMessage> messages = new ArrayList<>(prompt.size() + 2);
        for (ChatMessage m : prompt) {
            if (!"assistant".equals(m.role())) {
                messages.add(m);
            }
        }
        messages.add(new ChatMessage("assistant", answer.isBlank() ? "(empty answer)" : answer));
        StringBuilder fix = new StringBuilder("Your previous answer ").append(verdict.failure().phrase()).append(": ")
                .append(verdict.detail()).append(".\nReply again with the corrected JSON only: one JSON ")
                .append("object, no prose before or after it, no Markdown code fence.");
        if (schema != null) {
            fix.append("\nIt must match this JSON schema:\n").append(schema.text());
        }
        messages.add(new ChatMessage("user", fix.toString()));
        return messages;
    }

    /** Removes one Markdown code fence around the whole answer (```json ... ```), if there is one. */
    public static String unfenced(String answer) {
        String s = answer.strip();
        if (!s.startsWith("```") || !s.endsWith("```") || s.length() < 6) {
            return s;
        }
        int firstNewline = s.indexOf('\n');
        if (firstNewline < 0) {
            return s;
        }
        return s.substring(firstNewline + 1, s.length() - 3).strip();
    }

    private static String location(JacksonException e) {
        var at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    private static String shorten(@Nullable String message) {
        if (message == null) {
            return "unreadable";
        }
        String line = message.lines().findFirst().orElse(message);
        return line.length() > MAX_ERROR_CHARS ? line.substring(0, MAX_ERROR_CHARS) + "..." : line;
    }
}
