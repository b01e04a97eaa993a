package dev.switchboard.tasks.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Stops and starts a context's job worker, so a test decides which instance runs its jobs. */
final class Workers {

    private Workers() {
    }

    /** Stops claiming; jobs it was running go back to the queue. */
    static void pause(JobWorker worker) {
        if (!worker.isRunning()) {
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        worker.stop(stopped::countDown);
        try {
            assertThat(stopped.await(10, TimeUnit.SECONDS)).as("the worker stopped").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void resume(JobWorker worker) {
        if (!worker.isRunning()) {
            worker.start();
        }
    }
}
