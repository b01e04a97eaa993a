package dev.switchboard.support;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import reactor.core.scheduler.Schedulers;

/**
 * A clock that reads Reactor's parallel-scheduler time. In production that is the system time; under
 * {@code StepVerifier.withVirtualTime} it is virtual, so cooldowns, daily resets and deadlines move with
 * the test's virtual time.
 */
public final class SchedulerClock extends Clock {

    private final ZoneId zone;

    private SchedulerClock(ZoneId zone) {
        this.zone = zone;
    }

    public static SchedulerClock utc() {
        return new SchedulerClock(ZoneOffset.UTC);
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new SchedulerClock(zone);
    }

    @Override
    public long millis() {
        return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }
}
