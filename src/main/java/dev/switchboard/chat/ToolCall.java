package dev.switchboard.chat;

/**
 * A function call the model made.
 *
 * @param id the call's id, which the {@code tool} message answering it names
 * @param arguments the arguments as JSON text, as OpenAI carries them
 */
public record ToolCall(String id, String name, String arguments) {
}
