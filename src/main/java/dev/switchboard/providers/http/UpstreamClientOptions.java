package dev.switchboard.providers.http;

import dev.switchboard.config.RoutingProperties;
import io.netty.channel.ChannelOption;
import java.util.function.UnaryOperator;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

/**
 * The options every upstream client gets, in production and in the tests' gateway alike: the connect
 * timeout, no silent retry by Reactor Netty (the fallback chain decides what to try again), keep-alive,
 * and the protocol.
 *
 * <p>With {@link RoutingProperties#upstreamHttp2()} the client is configured with both {@code H2} and
 * {@code H2C}; Reactor Netty keeps the one that fits each call: {@code h2} negotiated with ALPN on an
 * {@code https} URL, {@code h2c} with prior knowledge on an {@code http} one. The connection pools then
 * hold HTTP/2 connections, each carrying many concurrent streams.
 */
public final class UpstreamClientOptions {

    private UpstreamClientOptions() {
    }

    public static UnaryOperator<HttpClient> of(RoutingProperties routing) {
        return http -> {
            HttpClient client = http
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) routing.connectTimeout().toMillis())
                    .disableRetry(true)
                    .keepAlive(true);
            return routing.upstreamHttp2() ? client.protocol(HttpProtocol.H2, HttpProtocol.H2C) : client;
        };
    }
}
