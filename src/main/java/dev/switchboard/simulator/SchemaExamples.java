package dev.switchboard.simulator;

import static dev.switchboard.simulator.MessageTexts.string;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Deterministic JSON values made from a JSON schema, for tool arguments and structured output. An
 * object gets every {@code required} property, then the first other properties while it has fewer than
 * {@value #PROPERTIES}, in the schema's order. Values by type: a string is a word from the last user
 * message (or {@code example}), integer and number {@code 1}, boolean {@code true}, array {@code []};
 * an {@code enum} or {@code const} gives its (first) value; {@code anyOf}/{@code oneOf}/{@code allOf}
 * the first alternative that is not {@code null}; local {@code $ref}s are followed. Objects are filled
 * down to depth {@value #DEPTH} (the top object is depth 1), deeper ones are {@code {}}. Gemini's
 * upper-case OpenAPI types ({@code OBJECT}, {@code STRING}) read the same.
 */
final class SchemaExamples {

    static final int PROPERTIES = 3;
    static final int DEPTH = 3;
    private static final int MAX_HOPS = 16;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SchemaExamples() {
    }

    /** Tool arguments: always an object, {@code {}} when the schema is missing or is not an object's. */
    static ObjectNode arguments(JsonNode schema, String word) {
        JsonNode value = example(schema, word);
        return value instanceof ObjectNode object ? object : NODES.objectNode();
    }

    /** A value matching the schema. */
    static JsonNode example(JsonNode schema, String word) {
        return value(schema, schema, word, 1, 0);
    }

    /** The last word of the text with letters or digits (punctuation stripped), or {@code example}. */
    static String word(String text) {
        String[] words = text.strip().split("\\s+");
        for (int i = words.length - 1; i >= 0; i--) {
            String word = words[i].replaceAll("[^\\p{L}\\p{N}]", "");
            if (!word.isEmpty()) {
                return word;
            }
        }
        return "example";
    }

    private static JsonNode value(JsonNode schema, JsonNode root, String word, int depth, int hops) {
        if (hops > MAX_HOPS) {
            return NODES.nullNode();
        }
        if (schema.path("$ref").isString()) {
            return value(resolve(schema.path("$ref").stringValue(), root), root, word, depth, hops + 1);
        }
        if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
            return schema.path("enum").get(0);
        }
        if (schema.has("const")) {
            return schema.path("const");
        }
        for (String combinator : List.of("anyOf", "oneOf", "allOf")) {
            for (JsonNode alternative : schema.path(combinator)) {
                if (!"null".equals(type(alternative))) {
                    return value(alternative, root, word, depth, hops + 1);
                }
            }
        }
        return switch (type(schema)) {
            case "string" -> NODES.stringNode(word);
            case "integer", "number" -> NODES.numberNode(1);
            case "boolean" -> NODES.booleanNode(true);
            case "array" -> NODES.arrayNode();
            case "null" -> NODES.nullNode();
            case "object" -> depth <= DEPTH ? object(schema, root, word, depth, hops) : NODES.objectNode();
            default -> schema.path("properties").isObject() && depth <= DEPTH
                    ? object(schema, root, word, depth, hops) : NODES.stringNode(word);
        };
    }

    private static ObjectNode object(JsonNode schema, JsonNode root, String word, int depth, int hops) {
        Set<String> required = new LinkedHashSet<>();
        schema.path("required").forEach(name -> required.add(string(name)));
        List<String> chosen = new ArrayList<>();
        int others = Math.max(0, PROPERTIES - required.size());
        for (String name : schema.path("properties").propertyNames()) {
            if (required.contains(name)) {
                chosen.add(name);
            } else if (others > 0) {
                chosen.add(name);
                others--;
            }
        }
        required.stream().filter(name -> !chosen.contains(name)).forEach(chosen::add);
        ObjectNode object = NODES.objectNode();
        for (String name : chosen) {
            object.set(name, value(schema.path("properties").path(name), root, word, depth + 1, hops));
        }
        return object;
    }

    /** The type, lower case; for a list of types, the first that is not {@code null}. */
    private static String type(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (!"null".equalsIgnoreCase(string(t))) {
                    return string(t).toLowerCase(Locale.ROOT);
                }
            }
            return "null";
        }
        return string(type).toLowerCase(Locale.ROOT);
    }

    private static JsonNode resolve(String ref, JsonNode root) {
        if (!ref.startsWith("#")) {
            return NODES.objectNode();
        }
        try {
            return root.at(ref.substring(1));
        } catch (IllegalArgumentException e) {
            return NODES.objectNode();
        }
    }
}
