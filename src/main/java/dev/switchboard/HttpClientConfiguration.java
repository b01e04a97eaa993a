package dev.switchboard;

import dev.switchboard.config.RoutingProperties;
import dev.switchboard.config.SwitchboardProperties;
import dev.switchboard.providers.UpstreamBodyLimit;
import dev.switchboard.providers.UpstreamHeaders;
import dev.switchboard.providers.UpstreamTransport;
import dev.switchboard.providers.http.EventLoopLocalConnector;
import dev.switchboard.providers.http.UpstreamClientOptions;
import dev.switchboard.providers.http.UpstreamPools;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.LoopResources;

/**
 * The one upstream HTTP client: Reactor Netty's {@code HttpClient} (not Spring's WebClient, whose
 * per-request builders, header copies and codecs cost several percent of the CPU; see
 * {@link UpstreamTransport}), a connection pool per event loop, a connect timeout, and no retries of its
 * own (the router owns retries; a hidden client retry would double-count attempts and keys). Upstream
 * answers are untrusted: a non-streamed body is read into memory up to 4 MiB, and every body, streamed
 * or not, is cut off past {@code switchboard.routing.max-stream-bytes} ({@link UpstreamBodyLimit}). With
 * tracing on, each request carries its attempt's {@code traceparent} ({@link UpstreamHeaders}).
 */
@Configuration(proxyBeanMethods = false)
public class HttpClientConfiguration {

    private static final Logger log = LoggerFactory.getLogger(HttpClientConfiguration.class);

    /** One pool per event loop ({@link UpstreamPools}, {@link EventLoopLocalConnector}). */
    @Bean(destroyMethod = "dispose")
    public EventLoopLocalConnector upstreamConnector(SwitchboardProperties properties,
            ObjectProvider<ReactorResourceFactory> resources) {
        RoutingProperties routing = properties.routing();
        return new EventLoopLocalConnector(() -> serverLoops(resources.getIfAvailable()),
                UpstreamPools.of("switchboard-upstream", routing), UpstreamClientOptions.of(routing));
    }

    /** Says once, when the gateway is ready, which network transport its loops run on ({@link NetworkTransport}). */
    @Bean
    public ApplicationListener<ApplicationReadyEvent> networkTransportReport(
            ObjectProvider<ReactorResourceFactory> resources) {
        return ready -> {
            EventLoopGroup loops = serverLoops(resources.getIfAvailable());
            if (loops != null) {
                log.info("Network transport: {}", NetworkTransport.describe(loops));
            }
        };
    }

    /** The loops the web server runs on: Spring's resource factory's once it has started them. */
    private static EventLoopGroup serverLoops(ReactorResourceFactory resources) {
        try {
            LoopResources loops = resources != null ? resources.getLoopResources() : HttpResources.get();
            return loops == null ? null : loops.onServer(LoopResources.DEFAULT_NATIVE);
        } catch (IllegalStateException notStartedYet) {
            return null;
        }
    }
}
