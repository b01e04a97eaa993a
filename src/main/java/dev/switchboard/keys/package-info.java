/**
 * Key health (cooldowns, failure counts, bans), daily limits, their persistence and their sync
 * between instances.
 */
@NullMarked
package dev.switchboard.keys;

import org.jspecify.annotations.NullMarked;
