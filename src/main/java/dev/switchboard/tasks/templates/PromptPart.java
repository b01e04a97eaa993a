package dev.switchboard.tasks.templates;

/** The parts of a task template, in the order their messages are sent. */
public enum PromptPart {
    SYSTEM("system", "system"),
    /** Sent as a second system message: providers without a developer role read it the same way. */
    DEVELOPER("developer", "system"),
    USER("user", "user"),
    /** Sent last, as an assistant message (a prefill for providers that continue it). */
    ASSISTANT("assistant", "assistant");

    private final String key;
    private final String role;

    PromptPart(String key, String role) {
        this.key = key;
        this.role = role;
    }

    /** The key in the templates YAML. */
    public String key() {
        return key;
    }

    /** The chat role of the message this part becomes. */
    public String role() {
        return role;
    }
}
