package dev.switchboard.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.WireFormat;
import dev.switchboard.config.ModelProperties;
import dev.switchboard.config.ProviderType;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.KeyPool;
import dev.switchboard.providers.Provider;
import dev.switchboard.support.SchedulerClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;
class DailyLimitsTest {

    private VirtualTimeScheduler time;
    private DailyLimits limits;
    private final ApiKey key = new ApiKey("p#1", "secret-1", 1, 3, true);
    private final ApiKey unlimited = new ApiKey("p#2", "secret-2", 1, 0, true);
    private final Provider provider = new Provider("p", ProviderType.SIMULATOR, WireFormat.OPENAI, "http://x", "m1",
            List.of(new ModelProperties("m1", 1, null, 4), new ModelProperties("m2", 2, null, 0)), 1, true, true,
            Map.of(), 5, 10, List.of(), new KeyPool("p", List.of(key, unlimited), KeyStrategy.ROUND_ROBIN,
            KeyPool.Remaining.UNKNOWN));

    @BeforeEach
    void setUp() {
        time = VirtualTimeScheduler.getOrSet();
        time.advanceTimeTo(Instant.parse("2026-11-23T22:00:00Z"));
        limits = new DailyLimits(SchedulerClock.utc());
    }

    @AfterEach
    void tearDown() {
        VirtualTimeScheduler.reset();
    }

    @Test
    void aKeyStopsAtItsDailyLimit() {
        assertThat(limits.tryAcquire(provider, key, "m2")).isTrue();
        assertThat(limits.tryAcquire(provider, key, "m2")).isTrue();
        assertThat(limits.tryAcquire(provider, key, "m2")).isTrue();
        assertThat(limits.tryAcquire(provider, key, "m2")).isFalse();
        assertThat(limits.keyExhausted(provider, key)).isTrue();
        assertThat(limits.keyRemaining("p", key)).isZero();
        assertThat(limits.keyRemaining("p", unlimited)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void modelAndProviderLimitsCountEveryKey() {
        assertThat(limits.tryAcquire(provider, unlimited, "m1")).isTrue();
        assertThat(limits.tryAcquire(provider, unlimited, "m1")).isTrue();
        assertThat(limits.tryAcquire(provider, key, "m1")).isTrue();
        assertThat(limits.tryAcquire(provider, key, "m1")).isTrue();
        assertThat(limits.tryAcquire(provider, unlimited, "m1")).as("model m1 allows 4 a day").isFalse();
        assertThat(limits.tryAcquire(provider, unlimited, "m2")).isTrue();
        assertThat(limits.tryAcquire(provider, unlimited, "m2")).as("provider allows 5 a day").isFalse();
        assertThat(limits.used(DailyLimits.Scope.KEY, "p", "p#2")).as("refused calls are not counted").isEqualTo(3);
    }

    @Test
    void everyCounterStartsAgainAtMidnightUtc() {
        for (int i = 0; i < 3; i++) {
            limits.tryAcquire(provider, key, "m2");
        }
        assertThat(limits.keyExhausted(provider, key)).isTrue();
        assertThat(limits.nextReset()).isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));

        time.advanceTimeTo(Instant.parse("2026-11-23T23:59:59.999Z"));
        assertThat(limits.tryAcquire(provider, key, "m2")).isFalse();
        time.advanceTimeTo(Instant.parse("2026-11-24T00:00:00Z"));
        assertThat(limits.tryAcquire(provider, key, "m2")).isTrue();
        assertThat(limits.used(DailyLimits.Scope.KEY, "p", "p#1")).isEqualTo(1);
    }

    @Test
    void sharedTotalsFromOtherInstancesCountTowardsTheLimit() {
        limits.tryAcquire(provider, key, "m2");
        List<DailyLimits.Delta> deltas = limits.pendingDeltas();
        DailyLimits.Delta keyDelta = deltas.stream().filter(d -> d.id().scope() == DailyLimits.Scope.KEY).findFirst().orElseThrow();
        // the store wrote our call; another instance had made one more
        limits.applyTotal(keyDelta.id(), 2, true);

        assertThat(limits.used(DailyLimits.Scope.KEY, "p", "p#1")).isEqualTo(2);
        assertThat(limits.tryAcquire(provider, key, "m2")).isTrue();
        assertThat(limits.tryAcquire(provider, key, "m2")).isFalse();
    }

    @Test
    void aFailedWriteIsKeptForTheNextFlush() {
        limits.tryAcquire(provider, key, "m2");
        List<DailyLimits.Delta> first = limits.pendingDeltas();
        first.forEach(limits::flushFailed);

        assertThat(limits.used(DailyLimits.Scope.KEY, "p", "p#1")).isEqualTo(1);
        assertThat(limits.pendingDeltas()).extracting(DailyLimits.Delta::calls).containsOnly(1L);
    }
}
