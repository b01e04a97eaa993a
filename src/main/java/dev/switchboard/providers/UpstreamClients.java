package dev.switchboard.providers;

import reactor.netty.http.client.HttpClient;
import reactor.util.context.ContextView;

/**
 * Where an upstream call gets its Reactor Netty {@link HttpClient}: asked when the call is subscribed, with
 * the call's Reactor context, so an implementation can hand out the client of the caller's event loop
 * ({@code providers.http.EventLoopLocalConnector}: one connection pool per loop, the calls of one request on
 * one loop). The clients are configured once; nothing here is built per call.
 */
@FunctionalInterface
public interface UpstreamClients {

    /** The client for a call subscribed now, on the current thread, under {@code context}. */
    HttpClient client(ContextView context);

    /** Always the same client (tests and tools). */
    static UpstreamClients of(HttpClient client) {
        return context -> client;
    }
}
