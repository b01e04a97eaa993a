/**
 * The pipeline: {@link dev.switchboard.routing.ChatService}, path choice, candidate plans, the
 * fallback chain, guards and the first-chunk probe.
 */
@NullMarked
package dev.switchboard.routing;

import org.jspecify.annotations.NullMarked;
