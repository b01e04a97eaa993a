package dev.switchboard.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process PostgreSQL of the embedded default. One per JVM, shared by every application context
 * in it (tests run many), started by the first {@link #acquire} and stopped when the last context that
 * acquired it {@linkplain #release releases} it. Its data directory survives restarts.
 */
public final class EmbeddedPostgresServer {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    private static EmbeddedPostgres postgres;
    private static int leases;
    private static boolean startedOnce;

    private EmbeddedPostgresServer() {
    }

    /**
     * Starts the server if needed (blocking; startup only) and returns its port.
     *
     * @param clean wipe the data directory, on the first start in this JVM only (tests)
     */
    public static synchronized int acquire(Path dataDir, int port, boolean clean) {
        if (postgres == null) {
            postgres = start(dataDir, port, clean && !startedOnce);
            startedOnce = true;
        }
        leases++;
        return postgres.getPort();
    }

    /** Stops the server when the last lease is given back. */
    public static synchronized void release() {
        log.debug("Embedded PostgreSQL lease given back ({} left)", leases - 1);
        if (leases > 0 && --leases == 0 && postgres != null) {
            try {
                log.info("Stopping embedded PostgreSQL (last lease given back)");
                postgres.close();
            } catch (IOException e) {
                log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.toString());
            } finally {
                postgres = null;
            }
        }
    }

    /** The running server's port, 0 when it is not running. */
    public static synchronized int port() {
        return postgres == null ? 0 : postgres.getPort();
    }

    /** Stops the server regardless of leases, as if it crashed; {@link #restart} brings it back (tests). */
    public static synchronized void stopForTest() throws IOException {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    /** Starts it again on the same port and data directory after {@link #stopForTest}. */
    public static synchronized void restart(Path dataDir, int port) {
        postgres = start(dataDir, port, false);
    }

    /** Last resort at JVM exit (after Spring closed its contexts): stop a server nobody released. */
    static synchronized void stopIfRunning() {
        if (postgres != null) {
            log.info("Stopping embedded PostgreSQL at JVM exit ({} lease(s) still open)", leases);
        }
        leases = Math.min(leases, 1);
        release();
    }

    public static synchronized boolean running() {
        return postgres != null;
    }

    /** Empties the data directory (tests start from a blank database). */
    private static void deleteContents(Path dataDir) throws IOException {
        try (var paths = Files.walk(dataDir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (!path.equals(dataDir)) {
                    Files.delete(path);
                }
            }
        }
    }

    private static EmbeddedPostgres start(Path dataDir, int port, boolean clean) {
        try {
            Files.createDirectories(dataDir);
            StalePostmaster.stopIfOrphaned(dataDir);
            if (clean) {
                deleteContents(dataDir);
            }
            log.info("Starting embedded PostgreSQL with data directory {}", dataDir.toAbsolutePath());
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("fsync", "on");
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres started = builder.start();
            log.info("Embedded PostgreSQL listening on port {}", started.getPort());
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDir.toAbsolutePath()
                    + " (is another Switchboard using it? set spring.r2dbc.url to use your own PostgreSQL)", e);
        }
    }
}
