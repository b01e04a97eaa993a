package dev.switchboard.tasks.templates;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Who the model should be for a task and what it must return.
 *
 * @param outputFormat {@code text}, {@code markdown} or {@code json}
 * @param strict the answer must be JSON: it is parsed, repaired once if invalid, and otherwise the task
 *     fails; a non-strict {@code json} task only gets a best-effort parse
 */
public record TaskProfile(String role, List<String> expertise, String outputFormat, boolean strict) {

    static final Set<String> OUTPUT_FORMATS = Set.of("text", "markdown", "json");
    static final TaskProfile DEFAULT = new TaskProfile("a helpful assistant", List.of(), "text", false);

    public TaskProfile {
        expertise = List.copyOf(expertise);
    }

    public boolean expectsJson() {
        return strict || "json".equals(outputFormat);
    }

    /** Applies the fields a child task sets over this (inherited) profile. */
    public TaskProfile with(TaskSpec.ProfileSpec spec) {
        String format = spec.outputFormat() != null ? spec.outputFormat().strip().toLowerCase(Locale.ROOT)
                : Boolean.TRUE.equals(spec.strict()) ? "json" : outputFormat;
        return new TaskProfile(spec.role() != null ? spec.role() : role,
                spec.expertise() != null ? spec.expertise() : expertise, format,
                spec.strict() != null ? spec.strict() : strict);
    }

    /** What templates see as {@code profile}. */
    public Map<String, Object> asTemplateValue() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("role", role);
        value.put("expertise", expertise);
        value.put("output_format", outputFormat);
        value.put("strict", strict);
        return value;
    }
}
