package dev.switchboard.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class UtcDayTest {

    @Property(tries = 5000)
    void isTheDateLocalDateOfInstantGivesInUtc(@ForAll @LongRange(min = -62_135_596_800_000L, max = 253_402_300_799_999L) long millis) {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);

        assertThat(UtcDay.today(clock)).isEqualTo(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
    }

    @Test
    void aDayStartsAtMidnightUtcWhateverTheClocksZone() {
        Instant midnight = Instant.parse("2026-12-06T00:00:00Z");

        assertThat(UtcDay.today(Clock.fixed(midnight.minusMillis(1), ZoneOffset.ofHours(5))))
                .isEqualTo(LocalDate.parse("2026-12-05"));
        assertThat(UtcDay.today(Clock.fixed(midnight, ZoneOffset.ofHours(-8)))).isEqualTo(LocalDate.parse("2026-12-06"));
    }
}
