package dev.switchboard.security;

import dev.switchboard.observability.RequestTraces;
import static org.springframework.web.reactive.function.server.RequestPredicates.DELETE;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;

import dev.switchboard.api.WebSocketGuard;
import dev.switchboard.config.TaskProperties;
import dev.switchboard.web.JsonBodies;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.netty.http.server.WebsocketServerSpec;

/** Client keys, the admin token, CORS, body and WebSocket limits, per-client limits. */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    AdminToken adminToken(SecurityProperties properties) {
        return AdminToken.of(properties.adminToken());
    }

    @Bean
    ClientKeyStore clientKeyStore(DatabaseClient database) {
        return new ClientKeyStore(database);
    }

    @Bean
    ClientDirectory clientDirectory(ClientKeyStore store, SecurityProperties properties, Clock clock) {
        return new ClientDirectory(store, properties.clientCacheRefresh(), clock);
    }

    /** The pipeline's admission hook and a request observer (tokens of finished requests). */
    @Bean
    ClientLimits clientLimits(ClientDirectory directory, Clock clock, SecurityProperties properties) {
        return new ClientLimits(directory, clock, properties.maxConcurrentStreams());
    }

    @Bean
    ClientUsageSync clientUsageSync(ClientLimits limits, ClientKeyStore store, SecurityProperties properties) {
        return new ClientUsageSync(limits, store, properties.usageSyncInterval());
    }

    @Bean
    ClientAccounts clientAccounts(ClientKeyStore store, ClientDirectory directory, ClientLimits limits, Clock clock) {
        return new ClientAccounts(store, directory, limits, clock);
    }

    @Bean
    RouterFunction<ServerResponse> clientAdminEndpoints(ClientAccounts accounts, JsonBodies parser) {
        ClientAdminHandler clients = new ClientAdminHandler(accounts, parser);
        return RouterFunctions
                .route(POST("/admin/clients"), clients::create)
                .andRoute(GET("/admin/clients"), clients::list)
                .andRoute(DELETE("/admin/clients/{id}"), clients::revoke);
    }

    @Bean
    CorsFilter corsFilter(SecurityProperties properties) {
        return new CorsFilter(properties.cors());
    }

    @Bean
    SecurityFilter securityFilter(AdminToken adminToken, ClientDirectory clients, SecurityProperties properties) {
        announce(properties);
        return new SecurityFilter(adminToken, clients, properties.demoMode());
    }

    @Bean
    BodyLimitFilter bodyLimitFilter(SecurityProperties properties, TaskProperties tasks) {
        return new BodyLimitFilter(properties.maxBodySize().toBytes(), tasks.maxFileSize().toBytes());
    }

    @Bean
    WebSocketGuard webSocketGuard(SecurityProperties properties, Clock clock) {
        return new WebSocketGuard(properties.websocket().messagesPerSecond(), clock);
    }

    /**
     * The WebSocket handshake: Reactor Netty refuses frames (and fragmented messages put together) over
     * the size limit and closes with 1009; the client found at the handshake goes into the session, so
     * each message's command carries it.
     */
    @Bean
    HandshakeWebSocketService handshakeWebSocketService(SecurityProperties properties, RequestTraces traces) {
        int maxFrame = (int) properties.websocket().maxFrameSize().toBytes();
        return new ClientHandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy(
                () -> WebsocketServerSpec.builder().maxFramePayloadLength(maxFrame)), traces);
    }

    @Bean
    WebFluxConfigurer webSocketServiceConfigurer(HandshakeWebSocketService service) {
        return new WebFluxConfigurer() {
            @Override
            public WebSocketService getWebSocketService() {
                return service;
            }
        };
    }

    static void announce(SecurityProperties properties) {
        if (properties.demoMode()) {
            log.warn("""
                    DEMO MODE: no client keys are required and /admin, actuator and the status endpoints are open \
                    to anyone who can reach this port (the demo profile listens on 127.0.0.1 unless server.address \
                    says otherwise). For local experiments only; any other profile needs \
                    switchboard.security.admin-token (SWITCHBOARD_ADMIN_TOKEN) and client keys.""");
        } else {
            log.info("Security: client keys required on /api and /v1, admin token on /admin, actuator and status "
                    + "endpoints; CORS origins {}", properties.cors().allowedOrigins());
        }
    }
}
