/** The OpenAI-compatible surface: {@code /v1/chat/completions} and {@code /v1/models}. */
@NullMarked
package dev.switchboard.api.openai;

import org.jspecify.annotations.NullMarked;
