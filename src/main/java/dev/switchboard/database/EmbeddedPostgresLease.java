package dev.switchboard.database;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * Gives this context's lease on the embedded PostgreSQL back when the context is closed. Bean
 * destruction comes after every lifecycle has stopped (the web server, the request-log flush), so
 * nothing written at shutdown is lost. A context that is only stopped (e.g. a paused test context)
 * keeps its lease.
 */
@Component
@ConditionalOnBooleanProperty(EmbeddedPostgresEnvironment.ACTIVE)
public class EmbeddedPostgresLease implements DisposableBean {

    @Override
    public void destroy() {
        EmbeddedPostgresServer.release();
    }
}
