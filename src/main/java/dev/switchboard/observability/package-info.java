/** Meters: requests, attempts, tokens, key states and write-behind depths. */
@NullMarked
package dev.switchboard.observability;

import org.jspecify.annotations.NullMarked;
