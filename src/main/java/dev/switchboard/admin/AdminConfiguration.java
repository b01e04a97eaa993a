package dev.switchboard.admin;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;

import dev.switchboard.keys.DailyLimits;
import dev.switchboard.keys.KeyHealth;
import dev.switchboard.keys.KeyHealthChecker;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.UnknownModels;
import dev.switchboard.simulator.SimulatorServer;
import dev.switchboard.status.KeyPoolReport;
import dev.switchboard.web.JsonBodies;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The {@code /admin} endpoints. */
@Configuration(proxyBeanMethods = false)
public class AdminConfiguration {

    @Bean
    ConfigReloader configReloader(ConfigurableEnvironment environment, ProviderRegistry registry, KeyHealth health,
            DailyLimits limits, KeyHealthChecker checker, UnknownModels unknownModels,
            ObjectProvider<SimulatorServer> simulator) {
        SimulatorServer sim = simulator.getIfAvailable();
        return new ConfigReloader(environment, registry, health, limits, checker, unknownModels,
                sim == null ? null : sim.baseUrl());
    }

    @Bean
    AdminHandler adminHandler(ProviderRegistry registry, KeyHealth health, KeyHealthChecker checker,
            KeyPoolReport report, ConfigReloader reloader, JsonBodies parser, Clock clock) {
        return new AdminHandler(registry, health, checker, report, reloader, parser, clock);
    }

    @Bean
    RouterFunction<ServerResponse> adminEndpoints(AdminHandler admin) {
        return RouterFunctions
                .route(GET("/admin/keys"), admin::keyPools)
                .andRoute(POST("/admin/providers/{provider}/keys"), admin::addKey)
                .andRoute(POST("/admin/keys/disable"), admin::disableKey)
                .andRoute(POST("/admin/keys/enable"), admin::enableKey)
                .andRoute(POST("/admin/health-check"), admin::healthCheck)
                .andRoute(POST("/admin/config/reload"), admin::reload);
    }
}
