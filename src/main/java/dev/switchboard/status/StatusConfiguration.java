package dev.switchboard.status;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;

import dev.switchboard.config.LiveSettings;
import dev.switchboard.keys.DailyLimits;
import dev.switchboard.keys.KeyHealth;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.Paces;
import dev.switchboard.routing.ProviderGuards;
import dev.switchboard.routing.UnknownModels;
import dev.switchboard.support.BackgroundJobs;
import dev.switchboard.usage.RequestLogWriter;
import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

/** Status, analytics and request-log endpoints, the alert monitor and the provider health indicator. */
@Configuration(proxyBeanMethods = false)
public class StatusConfiguration {

    @Bean
    KeyPoolReport keyPoolReport(ProviderRegistry registry, KeyHealth health, DailyLimits limits, ProviderGuards guards,
            UnknownModels unknownModels, Paces paces) {
        return new KeyPoolReport(registry, health, limits, guards, unknownModels, paces);
    }

    @Bean
    AlertMonitor alertMonitor(LiveSettings settings, Clock clock) {
        AlertMonitor monitor = new AlertMonitor(settings.get().usage().alerts(), clock);
        settings.onChange(next -> monitor.thresholds(next.usage().alerts()));
        return monitor;
    }

    @Bean
    StatusQueries statusQueries(DatabaseClient database, JsonMapper json) {
        return new StatusQueries(database, json);
    }

    @Bean
    StatusReport statusReport(StatusQueries queries, KeyPoolReport pools, ProviderRegistry registry, DailyLimits limits,
            AlertMonitor alerts, RequestLogWriter requestLog, LiveSettings settings, Clock clock) {
        return new StatusReport(queries, pools, registry, limits, alerts, requestLog, settings, clock);
    }

    @Bean
    StatusHandler statusHandler(StatusReport report, StatusQueries queries, Clock clock) {
        return new StatusHandler(report, queries, clock);
    }

    @Bean
    ProviderAvailabilityHealth providersHealthIndicator(KeyPoolReport pools, AlertMonitor alerts) {
        return new ProviderAvailabilityHealth(pools, alerts);
    }

    @Bean
    RouterFunction<ServerResponse> statusEndpoints(StatusHandler status) {
        return RouterFunctions
                .route(GET("/api/v1/brain/status"), status::status)
                .andRoute(GET("/api/v1/brain/providers/status"), status::providers)
                .andRoute(GET("/api/v1/brain/stats/export"), status::export)
                .andRoute(GET("/health/keys"), status::keyHealth)
                .andRoute(GET("/analytics/{provider}"), status::analytics)
                .andRoute(GET("/api/v1/requests/{id}"), status::request)
                .andRoute(GET("/api/v1/requests"), status::requests);
    }

    /** Re-evaluates the alert thresholds every five seconds. */
    @Bean
    BackgroundJobs alertLoop(AlertMonitor alerts) {
        return BackgroundJobs.periodic(Duration.ofSeconds(5), alerts::evaluate);
    }
}
