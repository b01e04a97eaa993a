package dev.switchboard.admin;

import java.util.Locale;

/**
 * One thing wrong (or worth knowing) in a configuration: where, and what.
 *
 * @param path the property ({@code switchboard.providers.groq.default-model}), the task template field
 *     ({@code tasks.invoice.user}) or the file
 * @param message what is wrong, never a key
 * @param severity {@code error} (the configuration is refused) or {@code warning} (it works, perhaps not as meant)
 */
public record ConfigIssue(String path, String message, String severity) {

    static ConfigIssue error(String path, String message) {
        return new ConfigIssue(path, message, "error");
    }

    static ConfigIssue warning(String path, String message) {
        return new ConfigIssue(path, message, "warning");
    }

    /** {@code "<path>: <message>"} as {@code PropertiesValidator} words its problems. */
    static ConfigIssue error(String problem) {
        int colon = problem.indexOf(": ");
        return colon < 0 ? error("switchboard", problem) : error(problem.substring(0, colon), problem.substring(colon + 2));
    }

    boolean isError() {
        return "error".equals(severity);
    }

    @Override
    public String toString() {
        return (isError() ? "" : severity.toUpperCase(Locale.ROOT) + " ") + path + ": " + message;
    }
}
