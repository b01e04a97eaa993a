package dev.switchboard.providers;

/** Adapter family of a configured provider. */
public enum ProviderType {
    /** Any OpenAI-compatible chat-completions API (OpenAI, OpenRouter, Groq, Cerebras, xAI, local). */
    OPENAI,
    /** The built-in simulator; speaks the wire format chosen by {@code format}. */
    SIMULATOR
}
