package dev.switchboard.frontend;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Serves the sample pages at {@code /} when {@code switchboard.frontend.enabled} is true (the demo
 * profile sets it). The pages are static files that call the public API like any other client, so
 * serving them adds no capability; they are off by default elsewhere only so that a production gateway
 * answers nothing it was not asked to. Ordered last: a page never shadows an API route, and a path with
 * no file behind it falls through to the usual 404.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "switchboard.frontend", name = "enabled", havingValue = "true")
public class FrontendConfiguration {

    static final String LOCATION = "frontend/";

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    RouterFunction<ServerResponse> frontendPages() {
        Resource index = new ClassPathResource(LOCATION + "index.html");
        return RouterFunctions
                .route(GET("/"), request -> ServerResponse.ok()
                        .contentType(MediaType.TEXT_HTML)
                        .cacheControl(CacheControl.noCache())
                        .bodyValue(index))
                .and(RouterFunctions.resources("/**", new ClassPathResource(LOCATION),
                        (resource, headers) -> headers.setCacheControl(CacheControl.noCache())));
    }
}
