package dev.switchboard.database;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * The embedded default: when no {@code spring.r2dbc.url} is configured, start the in-process PostgreSQL
 * before the context is built and point R2DBC (runtime) and Flyway (migrations only) at it. With a URL
 * configured this does nothing and the configured PostgreSQL is used.
 */
public class EmbeddedPostgresEnvironment implements EnvironmentPostProcessor, Ordered {

    static final String ACTIVE = "switchboard.database.embedded-active";
    private static final AtomicBoolean SHUTDOWN_HANDLER_REGISTERED = new AtomicBoolean();

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (StringUtils.hasText(environment.getProperty("spring.r2dbc.url"))
                || !environment.getProperty("switchboard.database.embedded", Boolean.class, true)) {
            return;
        }
        Path dataDir = Path.of(environment.getProperty("switchboard.database.embedded-data-dir", "data/postgres"));
        int port = environment.getProperty("switchboard.database.embedded-port", Integer.class, 0);
        boolean clean = environment.getProperty("switchboard.database.embedded-clean", Boolean.class, false);
        int actualPort = EmbeddedPostgresServer.acquire(dataDir, port, clean);
        if (SHUTDOWN_HANDLER_REGISTERED.compareAndSet(false, true)) {
            // Runs after Spring Boot closed every context (and flushed what they write), also when startup failed.
            SpringApplication.getShutdownHandlers().add(EmbeddedPostgresServer::stopIfRunning);
        }
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.r2dbc.url", "r2dbc:postgresql://localhost:" + actualPort + "/postgres");
        properties.put("spring.r2dbc.username", "postgres");
        properties.put("spring.r2dbc.password", "");
        properties.put("spring.flyway.url", "jdbc:postgresql://localhost:" + actualPort + "/postgres");
        properties.put("spring.flyway.user", "postgres");
        properties.put("spring.flyway.password", "");
        properties.put(ACTIVE, "true");
        environment.getPropertySources().addFirst(new MapPropertySource("switchboard-embedded-postgres", properties));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
