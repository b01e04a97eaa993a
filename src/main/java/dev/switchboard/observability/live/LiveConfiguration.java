package dev.switchboard.observability.live;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;

import dev.switchboard.keys.KeyHealth;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.PaceView;
import dev.switchboard.routing.Paces;
import dev.switchboard.routing.ProviderGuards;
import io.github.resilience4j.bulkhead.Bulkhead;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** {@code GET /api/v1/live}: the live feed as server-sent events, for the operations dashboard. */
@Configuration(proxyBeanMethods = false)
public class LiveConfiguration {

    /** Percentiles and rate are taken over this window, recomputed every tick. */
    static final Duration WINDOW = Duration.ofSeconds(10);
    static final Duration TICK = Duration.ofSeconds(1);
    static final int BUFFER_PER_LISTENER = 1024;

    @Bean(destroyMethod = "close")
    LiveFeed liveFeed(Clock clock, KeyHealth health, ProviderGuards guards, ObjectProvider<QueueReadout> queue,
            ProviderRegistry registry, Paces paces) {
        return new LiveFeed(clock, WINDOW, TICK, () -> inFlight(guards), BUFFER_PER_LISTENER, queue.getIfAvailable())
                .showing(() -> {
                    Map<String, PaceView> figures = new LinkedHashMap<>();
                    registry.all().forEach(provider -> figures.put(provider.name(), paces.view(provider.name())));
                    return figures;
                })
                .follow(health.changes());
    }

    @Bean
    RouterFunction<ServerResponse> liveEndpoint(LiveFeed feed) {
        return RouterFunctions.route(GET("/api/v1/live"), request -> ServerResponse.ok()
                .contentType(MediaType.TEXT_EVENT_STREAM)
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .body(BodyInserters.fromServerSentEvents(feed.listen()
                        .map(event -> ServerSentEvent.<LiveEvent>builder(event).event(event.type()).build()))));
    }

    /** Upstream calls holding a bulkhead permit right now, over every provider. */
    private static int inFlight(ProviderGuards guards) {
        int busy = 0;
        for (Bulkhead bulkhead : guards.bulkheads().getAllBulkheads()) {
            busy += bulkhead.getBulkheadConfig().getMaxConcurrentCalls()
                    - bulkhead.getMetrics().getAvailableConcurrentCalls();
        }
        return busy;
    }
}
