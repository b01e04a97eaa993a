package dev.switchboard.tasks.templates;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A task's JSON schema, compiled once when the templates load. */
public final class TaskSchema {

    private static final int MAX_REPORTED = 8;

    private final Schema schema;
    private final String text;
    private final JsonNode json;

    public TaskSchema(Schema schema, String text, JsonNode json) {
        this.schema = schema;
        this.text = text;
        this.json = json;
    }

    /** The schema itself, for a provider's structured output ({@code response_format}). */
    public JsonNode json() {
        return json;
    }

    /** The schema as pretty JSON, for templates ({@code {{ schema }}}) and repair prompts. */
    public String text() {
        return text;
    }

    /** Violations as {@code /json/pointer: message}; empty when the value matches. */
    public List<String> violations(JsonNode value) {
        List<Error> errors = schema.validate(value);
        return errors.stream().limit(MAX_REPORTED).map(TaskSchema::describe).toList();
    }

    private static String describe(Error error) {
        String message = error.getMessage();
        String pointer = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
        if (!pointer.isEmpty() && message.startsWith(pointer)) {
            return message;
        }
        return (pointer.isEmpty() ? "/" : pointer) + ": " + message;
    }
}
