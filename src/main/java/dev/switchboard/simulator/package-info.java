/**
 * The built-in provider simulator: a separate HTTP server speaking three wire formats; it shares
 * only configuration with the gateway.
 */
@NullMarked
package dev.switchboard.simulator;

import org.jspecify.annotations.NullMarked;
