package dev.switchboard.chat;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The form of the answer: plain text, any JSON object, or JSON matching a schema.
 *
 * @param name the schema's name ({@code json_schema.name}), null otherwise
 * @param schema the JSON schema, for {@link Type#JSON_SCHEMA}
 * @param strict OpenAI's {@code strict} flag, null when not given
 */
public record ResponseFormat(Type type, @Nullable String name, @Nullable JsonNode schema, @Nullable Boolean strict) {

    public enum Type {
        TEXT, JSON_OBJECT, JSON_SCHEMA
    }

    public static final ResponseFormat TEXT = new ResponseFormat(Type.TEXT, null, null, null);
    public static final ResponseFormat JSON_OBJECT = new ResponseFormat(Type.JSON_OBJECT, null, null, null);

    public static ResponseFormat schema(String name, JsonNode schema, @Nullable Boolean strict) {
        return new ResponseFormat(Type.JSON_SCHEMA, name, schema, strict);
    }

    /** Whether the answer must be JSON. */
    public boolean json() {
        return type != Type.TEXT;
    }
}
