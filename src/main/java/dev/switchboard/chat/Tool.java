package dev.switchboard.chat;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A function the model may call.
 *
 * @param parameters its arguments as a JSON schema, null when it takes none
 * @param strict OpenAI's structured-output flag for the arguments, null when not given
 */
public record Tool(String name, @Nullable String description, @Nullable JsonNode parameters, @Nullable Boolean strict) {
}
