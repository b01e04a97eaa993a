package dev.switchboard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrefixCacheTest {

    private static final String SYSTEM = "x".repeat(6000);

    @Test
    void aPrefixSeenOnTheSameKeyIsReadFromItsCacheInWholeBlocks() {
        PrefixCache cache = new PrefixCache(java.time.Clock.systemUTC());
        assertThat(cache.read("k1", SYSTEM + "first question")).as("nothing seen yet").isZero();
        int cached = cache.read("k1", SYSTEM + "first question, and a later turn");
        assertThat(cached).isPositive().isLessThanOrEqualTo(SYSTEM.length() + 14).isEqualTo(cached / 512 * 512);
        assertThat(cache.read("k2", SYSTEM + "first question")).as("another key has its own cache").isZero();
    }

    @Test
    void shortPromptsAreNeverCachedAndOldPrefixesExpire() {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        PrefixCache cache = new PrefixCache(clock);
        assertThat(cache.read("k", "short")).isZero();
        assertThat(cache.read("k", "short")).isZero();
        cache.read("k", SYSTEM);
        clock.advance(Duration.ofMillis(PrefixCache.TTL_MILLIS + 1));
        assertThat(cache.read("k", SYSTEM)).isZero();
        assertThat(cache.read("k", SYSTEM)).isEqualTo(SYSTEM.length() / 512 * 512);
    }
}
