/**
 * The native surfaces (JSON, SSE, WebSocket) and the one place where failures become client answers
 * ({@link dev.switchboard.api.ErrorAnswers}).
 */
@NullMarked
package dev.switchboard.api;

import org.jspecify.annotations.NullMarked;
