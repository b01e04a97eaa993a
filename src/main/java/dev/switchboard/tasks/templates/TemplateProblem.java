package dev.switchboard.tasks.templates;

import org.jspecify.annotations.Nullable;

/**
 * One thing wrong in the task templates, named as precisely as possible.
 *
 * @param source the file it came from
 * @param task the task, or null for a problem with the whole file
 * @param part the template part or field ({@code user}, {@code base}, {@code schema}...), or null
 */
public record TemplateProblem(String source, @Nullable String task, @Nullable String part, String message) {

    @Override
    public String toString() {
        StringBuilder where = new StringBuilder();
        if (task == null) {
            where.append("templates '").append(source).append('\'');
        } else {
            where.append("task '").append(task).append('\'');
            if (part != null) {
                where.append(", part '").append(part).append('\'');
            }
        }
        return where.append(": ").append(message).toString();
    }
}
