package dev.switchboard.database;

import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One PostgreSQL {@code LISTEN/NOTIFY} channel: how instances on one database tell each other something
 * changed (key states, new jobs, cancelled jobs) without a protocol of their own. Notifications are a
 * wake-up, never the only copy of anything: listeners re-read the tables on a schedule too.
 */
public final class PostgresChannel {

    private final String name;

    /** @param name a plain SQL identifier (it is written into {@code LISTEN} as is) */
    public PostgresChannel(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("Not a plain channel name: " + name);
        }
        this.name = name;
    }

    public String name() {
        return name;
    }

    /**
     * The payloads sent on the channel, on one dedicated connection held while subscribed; the flux errors
     * when that connection is lost (callers retry).
     */
    public Flux<String> listen(ConnectionFactory connections) {
        return Flux.usingWhen(Mono.from(connections.create()),
                connection -> {
                    PostgresqlConnection postgres = unwrap(connection);
                    return postgres.createStatement("LISTEN " + name).execute()
                            .flatMap(result -> result.getRowsUpdated())
                            .thenMany(postgres.getNotifications())
                            .map(notification -> {
                                String payload = notification.getParameter();
                                return payload == null ? "" : payload;
                            });
                },
                Connection::close);
    }

    /** Sends {@code payload} to every listener (this instance's included), when the statement runs. */
    public Mono<Void> notify(DatabaseClient database, String payload) {
        return database.sql("select pg_notify(:channel, :payload)")
                .bind("channel", name)
                .bind("payload", payload)
                .fetch().rowsUpdated().then();
    }

    private static PostgresqlConnection unwrap(Connection connection) {
        Object current = connection;
        while (current instanceof Wrapped<?> wrapped && !(current instanceof PostgresqlConnection)) {
            current = wrapped.unwrap();
        }
        if (current instanceof PostgresqlConnection postgres) {
            return postgres;
        }
        throw new IllegalStateException("LISTEN/NOTIFY needs a PostgreSQL R2DBC connection");
    }
}
