package dev.switchboard.admin;

import static org.springframework.web.reactive.function.server.RequestPredicates.DELETE;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;

import dev.switchboard.config.LiveSettings;
import dev.switchboard.keys.DailyLimits;
import dev.switchboard.keys.KeyHealth;
import dev.switchboard.keys.KeyHealthChecker;
import dev.switchboard.keys.RuntimeKeys;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.UnknownModels;
import dev.switchboard.simulator.SimulatorServer;
import dev.switchboard.status.KeyPoolReport;
import dev.switchboard.tasks.templates.TaskCatalog;
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
            DailyLimits limits, KeyHealthChecker checker, UnknownModels unknownModels, TaskCatalog catalog,
            LiveSettings settings, RuntimeKeys runtimeKeys, ObjectProvider<SimulatorServer> simulator) {
        SimulatorServer sim = simulator.getIfAvailable();
        ConfigReloader reloader = new ConfigReloader(environment, registry, health, limits, checker, unknownModels,
                catalog, settings, sim == null ? null : sim.baseUrl());
        // keys added or removed at runtime outlive a reload
        reloader.beforeProvidersSwap(runtimeKeys::applyTo);
        return reloader;
    }

    @Bean
    AdminHandler adminHandler(ProviderRegistry registry, KeyHealth health, KeyHealthChecker checker,
            KeyPoolReport report, ConfigReloader reloader, JsonBodies parser, Clock clock) {
        return new AdminHandler(registry, health, checker, report, reloader, parser, clock);
    }

    @Bean
    KeyChangeHandler keyChangeHandler(ProviderRegistry registry, KeyHealth health, KeyHealthChecker checker,
            RuntimeKeys runtimeKeys, JsonBodies parser) {
        return new KeyChangeHandler(registry, health, checker, runtimeKeys, parser);
    }

    @Bean
    RouterFunction<ServerResponse> adminEndpoints(AdminHandler admin, KeyChangeHandler keys) {
        return RouterFunctions
                .route(GET("/admin/keys"), admin::keyPools)
                .andRoute(POST("/admin/providers/{provider}/keys"), keys::addKey)
                .andRoute(POST("/admin/providers/{provider}/keys/remove"), keys::removeKeys)
                .andRoute(DELETE("/admin/providers/{provider}/keys/{alias}"), keys::removeKey)
                .andRoute(POST("/admin/keys/disable"), admin::disableKey)
                .andRoute(POST("/admin/keys/enable"), admin::enableKey)
                .andRoute(POST("/admin/health-check"), admin::healthCheck)
                .andRoute(POST("/admin/config/reload"), admin::reload)
                .andRoute(POST("/admin/config/validate"), admin::validate)
                .andRoute(POST("/api/v1/brain/config/reload"), admin::reload);
    }
}
