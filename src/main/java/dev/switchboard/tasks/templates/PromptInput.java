package dev.switchboard.tasks.templates;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a task's templates are rendered from.
 *
 * @param text the input text, typed or extracted from the file
 * @param inputType {@code text} or {@code file}
 * @param variables the request's {@code variables}
 */
public record PromptInput(String text, String inputType, @Nullable String fileName, Map<String, Object> variables) {

    public PromptInput {
        variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    }

    public static PromptInput sample() {
        return new PromptInput("Sample input text.", "text", null, Map.of());
    }
}
