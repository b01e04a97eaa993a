/**
 * The vocabulary every feature speaks: commands, results, stream events, attempts, error classes
 * and the typed failures of the pipeline. No web types, no behaviour.
 */
@NullMarked
package dev.switchboard.chat;

import org.jspecify.annotations.NullMarked;
