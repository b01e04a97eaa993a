package dev.switchboard.chat;

import org.jspecify.annotations.Nullable;

/**
 * Whether and which tool the model must call: OpenAI's {@code none}, {@code auto}, {@code required} or a
 * named function.
 *
 * @param name the function when {@code mode} is {@link Mode#NAMED}
 */
public record ToolChoice(Mode mode, @Nullable String name) {

    public enum Mode {
        NONE, AUTO, REQUIRED, NAMED
    }

    public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
    public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

    public static ToolChoice named(String name) {
        return new ToolChoice(Mode.NAMED, name);
    }
}
