package dev.switchboard.providers;

import reactor.netty.http.client.HttpClient;
import reactor.util.context.ContextView;

/**
 * Where an upstream call gets its Reactor Netty {@link HttpClient}: asked when the call is subscribed, with
 * the call's Reactor context, so an implementation can hand out the client of the caller's event loop
 * ({@code providers.http.EventLoopLocalConnector}: one connection pool per loop, the calls of one request on
 * one loop), and whether the call goes to an {@code https} URL, so the client can be the one already
 * configured for TLS or for cleartext. The clients are configured once; nothing here is built per call.
 */
@FunctionalInterface
public interface UpstreamClients {

    /** The client for a call subscribed now, on the current thread, under {@code context}, to an https URL or not. */
    HttpClient client(ContextView context, boolean tls);

    /** Always the same client (tests and tools). */
    static UpstreamClients of(HttpClient client) {
        return (context, tls) -> client;
    }
}
