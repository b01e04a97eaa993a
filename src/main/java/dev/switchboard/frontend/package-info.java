/** Serves the sample pages at {@code /} when enabled. */
@NullMarked
package dev.switchboard.frontend;

import org.jspecify.annotations.NullMarked;
