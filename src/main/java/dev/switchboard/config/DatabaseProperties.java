package dev.switchboard.config;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded PostgreSQL used when no {@code spring.r2dbc.url} is configured.
 *
 * @param embeddedDataDir data directory; it survives restarts (default under the working directory)
 * @param embeddedPort 0 picks a free port at every start
 */
public record DatabaseProperties(
        @DefaultValue("data/postgres") String embeddedDataDir,
        @DefaultValue("0") int embeddedPort) {
}
