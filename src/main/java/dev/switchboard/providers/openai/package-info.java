/** The adapter for OpenAI-compatible APIs (OpenAI, OpenRouter, Groq, Cerebras, xAI). */
@NullMarked
package dev.switchboard.providers.openai;

import org.jspecify.annotations.NullMarked;
