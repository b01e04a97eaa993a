/** The Anthropic-compatible surface: {@code POST /v1/messages}. */
@NullMarked
package dev.switchboard.api.anthropic;

import org.jspecify.annotations.NullMarked;
