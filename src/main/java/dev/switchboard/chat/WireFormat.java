package dev.switchboard.chat;

/** The wire protocol an adapter speaks. */
public enum WireFormat {
    /** OpenAI chat completions: {@code data:} chunks ending with {@code [DONE]}. */
    OPENAI,
    /** Anthropic Messages: named SSE events ending with {@code message_stop}. */
    ANTHROPIC,
    /** Gemini {@code streamGenerateContent?alt=sse}: {@code data:} chunks, the stream ends at end of body. */
    GEMINI
}
