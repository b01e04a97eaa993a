/** The Anthropic Messages adapter: requests, answers, stream events and error classification. */
@NullMarked
package dev.switchboard.providers.anthropic;

import org.jspecify.annotations.NullMarked;
