/** The Gemini adapter: requests, answers, stream chunks and error classification. */
@NullMarked
package dev.switchboard.providers.gemini;

import org.jspecify.annotations.NullMarked;
