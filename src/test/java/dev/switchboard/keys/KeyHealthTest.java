package dev.switchboard.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.config.KeyHealthProperties;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.support.SchedulerClock;
import dev.switchboard.testsupport.TestProviders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/** What each failure class does to a key, on virtual time. */
class KeyHealthTest {

    private VirtualTimeScheduler time;
    private KeyHealth health;
    private DailyLimits limits;
    private final Provider provider = TestProviders.provider("p", 2);
    private final ApiKey key = provider.keys().keys().get(0);
    private final List<KeyStateChange> changes = new ArrayList<>();

    @BeforeEach
    void setUp() {
        time = VirtualTimeScheduler.getOrSet();
        time.advanceTimeTo(Instant.parse("2026-11-23T10:00:00Z"));
        Clock clock = SchedulerClock.utc();
        limits = new DailyLimits(clock);
        health = new KeyHealth(KeyHealthProperties.defaults(), clock, limits);
        health.register(provider);
        health.changes().subscribe(changes::add);
    }

    @AfterEach
    void tearDown() {
        VirtualTimeScheduler.reset();
    }

    private static UpstreamException failure(ErrorClass errorClass, Duration hint) {
        return new UpstreamException(errorClass, 429, null, errorClass.code(), hint);
    }

    @Test
    void aRateLimitHintCoolsTheKeyForExactlyThatLongThenItRejoins() {
        health.failed(provider, key, failure(ErrorClass.RATE_LIMITED, Duration.ofSeconds(7)));

        assertThat(health.usable(provider, key)).isFalse();
        time.advanceTimeBy(Duration.ofMillis(6999));
        assertThat(health.usable(provider, key)).isFalse();
        time.advanceTimeBy(Duration.ofMillis(1));
        assertThat(health.usable(provider, key)).isTrue();
        assertThat(changes).extracting(KeyStateChange::status).containsExactly(KeyStatus.RATE_LIMITED, KeyStatus.ACTIVE);
    }

    @Test
    void aRateLimitWithoutHintCoolsForTheDefaultHour() {
        health.failed(provider, key, failure(ErrorClass.RATE_LIMITED, null));

        time.advanceTimeBy(Duration.ofMinutes(59));
        assertThat(health.usable(provider, key)).isFalse();
        time.advanceTimeBy(Duration.ofMinutes(1));
        assertThat(health.usable(provider, key)).isTrue();
    }

    @Test
    void aCooldownIsOnlyEverExtendedNeverShortened() {
        health.failed(provider, key, failure(ErrorClass.RATE_LIMITED, Duration.ofSeconds(60)));
        health.failed(provider, key, failure(ErrorClass.RATE_LIMITED, Duration.ofSeconds(5)));

        time.advanceTimeBy(Duration.ofSeconds(30));
        assertThat(health.usable(provider, key)).isFalse();

        health.failed(provider, key, failure(ErrorClass.RATE_LIMITED, Duration.ofSeconds(120)));
        time.advanceTimeBy(Duration.ofSeconds(60));
        assertThat(health.usable(provider, key)).as("extended to 150 s from the start").isFalse();
        time.advanceTimeBy(Duration.ofSeconds(60));
        assertThat(health.usable(provider, key)).isTrue();
    }

    @Test
    void anInvalidKeyStaysOutForADayUnlessACheckPasses() {
        health.failed(provider, key, failure(ErrorClass.INVALID_KEY, null));

        time.advanceTimeBy(Duration.ofHours(23));
        assertThat(health.status(provider, key)).isEqualTo(KeyStatus.INVALID);
        health.checkPassed(provider, key);
        assertThat(health.usable(provider, key)).isTrue();
    }

    @Test
    void quotaExceededKeepsTheKeyOutUntilTheNextUtcMidnight() {
        health.failed(provider, key, failure(ErrorClass.QUOTA_EXCEEDED, null));

        time.advanceTimeTo(Instant.parse("2026-11-23T23:59:59Z"));
        assertThat(health.usable(provider, key)).isFalse();
        time.advanceTimeTo(Instant.parse("2026-11-24T00:00:00Z"));
        assertThat(health.usable(provider, key)).isTrue();
    }

    @Test
    void threeTransientFailuresInARowCoolTheKeyAndASuccessResetsTheCount() {
        health.failed(provider, key, failure(ErrorClass.SERVER_ERROR, null));
        health.failed(provider, key, failure(ErrorClass.TIMEOUT, null));
        health.succeeded(provider, key, 10);
        health.failed(provider, key, failure(ErrorClass.NETWORK, null));
        health.failed(provider, key, failure(ErrorClass.SERVER_ERROR, null));
        assertThat(health.usable(provider, key)).isTrue();

        health.failed(provider, key, failure(ErrorClass.SERVER_ERROR, null));

        assertThat(health.status(provider, key)).isEqualTo(KeyStatus.COOLING);
        time.advanceTimeBy(Duration.ofMinutes(10));
        assertThat(health.usable(provider, key)).isTrue();
    }

    @Test
    void badRequestsAndOverloadCostTheKeyNothing() {
        for (int i = 0; i < 5; i++) {
            health.failed(provider, key, failure(ErrorClass.BAD_REQUEST, null));
            health.failed(provider, key, failure(ErrorClass.OVERLOADED, null));
        }

        assertThat(health.usable(provider, key)).isTrue();
        assertThat(changes).isEmpty();
    }

    @Test
    void aProviderWithoutUsableKeysIsDegradedUntilOneComesBack() {
        ApiKey other = provider.keys().keys().get(1);
        health.failed(provider, key, failure(ErrorClass.RATE_LIMITED, Duration.ofSeconds(5)));
        health.failed(provider, other, failure(ErrorClass.RATE_LIMITED, Duration.ofSeconds(10)));

        assertThat(health.degraded("p")).isTrue();
        time.advanceTimeBy(Duration.ofSeconds(5));
        health.sweep(List.of(provider));
        assertThat(health.degraded("p")).isFalse();
    }

    @Test
    void aDisabledKeyNeverRejoinsByItself() {
        health.disable(provider, key, "operator");
        time.advanceTimeBy(Duration.ofDays(3));

        assertThat(health.usable(provider, key)).isFalse();
        assertThat(health.usableAt(provider, key)).isEqualTo(Long.MAX_VALUE);
        health.activate(provider, key, "operator");
        assertThat(health.usable(provider, key)).isTrue();
    }

    @Test
    void aRestoredStateIsIgnoredWhenTheKeyBehindTheAliasChanged() {
        KeyStateChange banned = new KeyStateChange("p", key.alias(), "someotherfingerprint", KeyStatus.DISABLED, "x",
                Long.MAX_VALUE, 0, 0);
        health.restore(banned);
        assertThat(health.usable(provider, key)).isTrue();

        health.restore(new KeyStateChange("p", key.alias(), KeyFingerprint.of(key.secret()), KeyStatus.DISABLED, "x",
                Long.MAX_VALUE, 0, 0));
        assertThat(health.usable(provider, key)).isFalse();
    }
}
