package dev.switchboard.database;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Gives this context's lease on the embedded PostgreSQL back when the context stops. It is the last
 * lifecycle to stop, after the web server and the request-log flush, so nothing written at shutdown is
 * lost.
 */
@Component
@ConditionalOnBooleanProperty(EmbeddedPostgresEnvironment.ACTIVE)
public class EmbeddedPostgresLease implements SmartLifecycle {

    private volatile boolean running = true;

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        if (running) {
            running = false;
            EmbeddedPostgresServer.release();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 100;
    }
}
