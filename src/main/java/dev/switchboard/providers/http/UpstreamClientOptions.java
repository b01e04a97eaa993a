package dev.switchboard.providers.http;

import dev.switchboard.config.RoutingProperties;
import io.netty.channel.ChannelOption;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

/**
 * The options every upstream client gets, in production and in the tests' gateway alike: the connect
 * timeout, no silent retry by Reactor Netty (the fallback chain decides what to try again), keep-alive,
 * and the protocol and TLS of the URLs it calls.
 *
 * <p>Each event loop has two clients, one for {@code http} URLs and one for {@code https} ones, each
 * configured for exactly what its calls need: with {@link RoutingProperties#upstreamHttp2()} {@code h2c}
 * with prior knowledge on cleartext and {@code h2} negotiated with ALPN on TLS, HTTP/1.1 otherwise, and TLS
 * (Reactor Netty's default provider) set once on the second. One client with both protocols, or without
 * its TLS provider, would make Reactor Netty copy its whole configuration at every request to drop the
 * protocol that does not fit the URL or to add the provider, and an open stream keeps that copy (240 B;
 * {@code HttpClientConnect.MonoHttpConnect}, docs/PERFORMANCE.md).
 */
public final class UpstreamClientOptions {

    private UpstreamClientOptions() {
    }

    /** How a lane's client is configured for cleartext ({@code tls} false) or TLS calls. */
    @FunctionalInterface
    public interface Settings {
        HttpClient apply(HttpClient client, boolean tls);
    }

    public static Settings of(RoutingProperties routing) {
        return (http, tls) -> {
            HttpClient client = http
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) routing.connectTimeout().toMillis())
                    .disableRetry(true)
                    .keepAlive(true);
            if (routing.upstreamHttp2()) {
                client = client.protocol(tls ? HttpProtocol.H2 : HttpProtocol.H2C);
            }
            return tls ? client.secure() : client;
        };
    }
}
