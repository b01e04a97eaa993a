/**
 * Small building blocks with no knowledge of the gateway: the clock, background jobs, the startup
 * gate, token buckets.
 */
@NullMarked
package dev.switchboard.support;

import org.jspecify.annotations.NullMarked;
