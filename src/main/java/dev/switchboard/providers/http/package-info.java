/**
 * Upstream clients: the factory of each wire format's client (one transport per base URL and key), and one
 * connection pool and Reactor Netty {@code HttpClient} per event loop.
 */
@NullMarked
package dev.switchboard.providers.http;

import org.jspecify.annotations.NullMarked;
