/** Upstream transport: one client per wire format and key, one connection pool per event loop. */
@NullMarked
package dev.switchboard.providers.http;

import org.jspecify.annotations.NullMarked;
