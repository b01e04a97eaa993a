package dev.switchboard.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears a PostgreSQL left running on our data directory by a gateway that died without stopping it
 * (e.g. killed with SIGKILL). A server whose parent process still lives belongs to a running gateway and
 * is left alone; starting then fails with a clear message instead.
 */
final class StalePostmaster {

    private static final Logger log = LoggerFactory.getLogger(StalePostmaster.class);

    private StalePostmaster() {
    }

    static void stopIfOrphaned(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        long pid;
        try {
            pid = Long.parseLong(lines.isEmpty() ? "" : lines.get(0).trim());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
        if (postmaster.isEmpty() || !postmaster.get().isAlive()) {
            return;
        }
        Optional<ProcessHandle> parent = postmaster.get().parent();
        boolean orphaned = parent.isEmpty() || parent.get().pid() == 1 || !parent.get().isAlive();
        if (!orphaned) {
            throw new IOException("PostgreSQL (pid " + pid + ") is already running on " + dataDir.toAbsolutePath()
                    + " for another live process (pid " + parent.get().pid() + ")");
        }
        log.warn("Stopping an orphaned embedded PostgreSQL (pid {}) left on {}", pid, dataDir.toAbsolutePath());
        postmaster.get().destroy();
        try {
            postmaster.get().onExit().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            postmaster.get().destroyForcibly();
        }
    }
}
