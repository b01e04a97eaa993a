package dev.switchboard.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.TaskResultProperties;
import dev.switchboard.support.SchedulerClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The sweep of expired task results, on virtual time: when it runs and which cutoff it deletes before. */
class TaskResultRetentionTest {

    private VirtualTimeScheduler time;
    private final List<Instant> cutoffs = new CopyOnWriteArrayList<>();

    @BeforeEach
    void virtualTime() {
        time = VirtualTimeScheduler.getOrSet();
    }

    @AfterEach
    void realTime() {
        VirtualTimeScheduler.reset();
    }

    private TaskResultRetention retention(Duration keep, Duration every) {
        return new TaskResultRetention(cutoff -> {
            cutoffs.add(cutoff);
            return Mono.just(1L);
        }, SchedulerClock.utc(), new TaskResultProperties(keep, every));
    }

    @Test
    void sweepsAMinuteAfterStartThenEveryIntervalDeletingWhatIsOlderThanTheRetention() {
        TaskResultRetention retention = retention(Duration.ofDays(30), Duration.ofHours(1));
        retention.start();
        try {
            time.advanceTimeBy(Duration.ofSeconds(59));
            assertThat(cutoffs).isEmpty();

            time.advanceTimeBy(Duration.ofSeconds(1));
            assertThat(cutoffs).containsExactly(Instant.ofEpochSecond(60).minus(Duration.ofDays(30)));

            time.advanceTimeBy(Duration.ofHours(2));
            assertThat(cutoffs).containsExactly(Instant.ofEpochSecond(60).minus(Duration.ofDays(30)),
                    Instant.ofEpochSecond(60 + 3600).minus(Duration.ofDays(30)),
                    Instant.ofEpochSecond(60 + 7200).minus(Duration.ofDays(30)));
        } finally {
            retention.stop();
        }
    }

    @Test
    void aFailedSweepIsRetriedAtTheNextInterval() {
        List<Instant> tries = new CopyOnWriteArrayList<>();
        TaskResultRetention flaky = new TaskResultRetention(cutoff -> {
            tries.add(cutoff);
            return tries.size() == 1 ? Mono.error(new IllegalStateException("database away")) : Mono.just(0L);
        }, SchedulerClock.utc(), new TaskResultProperties(Duration.ofDays(1), Duration.ofMinutes(10)));
        flaky.start();
        try {
            time.advanceTimeBy(Duration.ofMinutes(21));

            assertThat(tries).hasSize(3);
        } finally {
            flaky.stop();
        }
    }

    @Test
    void resultsKeptForEverAreNeverSwept() {
        TaskResultRetention forever = retention(Duration.ZERO, Duration.ofHours(1));
        forever.start();
        try {
            time.advanceTimeBy(Duration.ofDays(400));

            assertThat(cutoffs).isEmpty();
            assertThat(forever.sweep().block(Duration.ofSeconds(1))).isZero();
        } finally {
            forever.stop();
        }
    }
}
