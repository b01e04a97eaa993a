package dev.switchboard.providers.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ProviderOrder;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientConfig;

/**
 * Each lane client is configured for exactly the URLs it calls: one protocol and, for https, its TLS
 * provider. Reactor Netty copies a client's whole configuration at every request whose URL does not fit
 * it (a second protocol to drop, a TLS provider to add), and an open stream keeps that copy.
 */
class UpstreamClientOptionsTest {

    @Test
    void overHttp2ACleartextClientSpeaksOnlyH2cAndATlsClientOnlyH2WithItsTlsProviderSetOnce() {
        UpstreamClientOptions.Settings settings = UpstreamClientOptions.of(routing(true));

        HttpClientConfig cleartext = settings.apply(HttpClient.create(), false).configuration();
        HttpClientConfig tls = settings.apply(HttpClient.create(), true).configuration();

        assertThat(cleartext.protocols()).containsExactly(HttpProtocol.H2C);
        assertThat(cleartext.isSecure()).isFalse();
        assertThat(tls.protocols()).containsExactly(HttpProtocol.H2);
        assertThat(tls.isSecure()).isTrue();
        assertThat(tls.sslProvider()).isNotNull();
    }

    @Test
    void overHttp11BothClientsSpeakHttp11AndOnlyTheTlsOneHasATlsProvider() {
        UpstreamClientOptions.Settings settings = UpstreamClientOptions.of(routing(false));

        HttpClientConfig cleartext = settings.apply(HttpClient.create(), false).configuration();
        HttpClientConfig tls = settings.apply(HttpClient.create(), true).configuration();

        assertThat(cleartext.protocols()).containsExactly(HttpProtocol.HTTP11);
        assertThat(cleartext.sslProvider()).isNull();
        assertThat(tls.protocols()).containsExactly(HttpProtocol.HTTP11);
        assertThat(tls.sslProvider()).isNotNull();
    }

    @Test
    void everyClientGetsTheConnectTimeout() {
        HttpClient client = UpstreamClientOptions.of(routing(true)).apply(HttpClient.create(), true);

        Object timeout = client.configuration().options().get(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS);
        assertThat(timeout).isEqualTo(1234);
    }

    private static RoutingProperties routing(boolean http2) {
        return new RoutingProperties(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofMillis(1234), Duration.ofMinutes(1), 10, KeyStrategy.ROUND_ROBIN, DataSize.ofMegabytes(32),
                RoutingProperties.DEFAULT_UPSTREAM_MAX_CONNECTIONS, ProviderOrder.ROUND_ROBIN, http2);
    }
}
