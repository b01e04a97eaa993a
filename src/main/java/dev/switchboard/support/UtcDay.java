package dev.switchboard.support;

import java.time.Clock;
import java.time.LocalDate;

/**
 * Today's date in UTC, the day daily limits and the usage ledger count by. The same as
 * {@code LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)} without its garbage: on this JDK
 * {@code ZoneOffset.getRules()} builds a new {@code ZoneRules}, with a {@code ConcurrentHashMap} in it, on
 * every call, and a request asked twice (about 300 bytes of its allocation in the profile).
 */
public final class UtcDay {

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private UtcDay() {
    }

    public static LocalDate today(Clock clock) {
        return LocalDate.ofEpochDay(Math.floorDiv(clock.millis(), MILLIS_PER_DAY));
    }
}
