package dev.switchboard.config;

import dev.switchboard.providers.UpstreamBodyLimit;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The one upstream HTTP client: a shared connection pool, a connect timeout, and no retries of its
 * own (the router owns retries; a hidden client retry would double-count attempts and keys). Upstream
 * answers are untrusted: a non-streamed body is read into memory up to 4 MiB, and every body, streamed
 * or not, is cut off past {@code switchboard.routing.max-stream-bytes}.
 */
@Configuration(proxyBeanMethods = false)
public class HttpClientConfiguration {

    /** Largest non-streamed upstream body read into memory; bigger ones fail the attempt. */
    static final int MAX_UPSTREAM_BODY_BYTES = 4 * 1024 * 1024;

    @Bean(destroyMethod = "dispose")
    public ConnectionProvider upstreamConnections(SwitchboardProperties properties) {
        return ConnectionProvider.builder("switchboard-upstream")
                .maxConnections(properties.routing().upstreamMaxConnections())
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(Duration.ofSeconds(10))
                .maxIdleTime(Duration.ofSeconds(30))
                .evictInBackground(Duration.ofSeconds(30))
                .build();
    }

    @Bean
    @Qualifier("upstream")
    public WebClient.Builder upstreamWebClient(ConnectionProvider upstreamConnections, SwitchboardProperties properties) {
        HttpClient http = HttpClient.create(upstreamConnections)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) properties.routing().connectTimeout().toMillis())
                .disableRetry(true)
                .keepAlive(true);
        return WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http))
                .filter(UpstreamBodyLimit.of(properties.routing().maxStreamBytes().toBytes()))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(MAX_UPSTREAM_BODY_BYTES));
    }
}
