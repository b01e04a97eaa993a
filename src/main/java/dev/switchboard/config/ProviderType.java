package dev.switchboard.config;

/** Adapter family of a configured provider. */
public enum ProviderType {
    /** Any OpenAI-compatible chat-completions API (OpenAI, OpenRouter, Groq, Cerebras, xAI, local). */
    OPENAI,
    /** Anthropic's Messages API. */
    ANTHROPIC,
    /** Google's Gemini API ({@code generateContent} / {@code streamGenerateContent}). */
    GEMINI,
    /** The built-in simulator; speaks the wire format chosen by {@code format}. */
    SIMULATOR
}
