package dev.switchboard.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.ChatService;
import dev.switchboard.testsupport.ExtraGateway;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.r2dbc.core.DatabaseClient;

/** Two gateways on one PostgreSQL behave as one: shared daily counters, key states that travel. */
class MultiInstanceIT {

    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;

    @BeforeAll
    static void startTwo() {
        first = start();
        second = start();
    }

    @AfterAll
    static void stopBoth() {
        second.close();
        first.close();
    }

    private static ConfigurableApplicationContext start() {
        return ExtraGateway.start("multi");
    }

    private static Provider shared(ConfigurableApplicationContext context) {
        return context.getBean(ProviderRegistry.class).get("shared").orElseThrow();
    }

    private static KeyStatus status(ConfigurableApplicationContext context, int key) {
        Provider provider = shared(context);
        return context.getBean(KeyHealth.class).status(provider, provider.keys().keys().get(key));
    }

    private static void chat(ConfigurableApplicationContext context) {
        context.getBean(ChatService.class).complete(ChatCommand.builder("m-" + System.nanoTime(), Surface.SYNC,
                List.of(new ChatMessage("user", "hi"))).provider("shared").build()).block(Duration.ofSeconds(10));
    }

    @Test
    void aDisableOnOneInstanceReachesTheOtherWithinASecondAndSoDoesTheEnable() {
        Provider provider = shared(first);
        KeyHealth health = first.getBean(KeyHealth.class);

        health.disable(provider, provider.keys().keys().get(0), "operator on instance one");
        await().atMost(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(50))
                .until(() -> status(second, 0) == KeyStatus.DISABLED);

        health.activate(provider, provider.keys().keys().get(0), "operator on instance one");
        await().atMost(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(50))
                .until(() -> status(second, 0) == KeyStatus.ACTIVE);
    }

    @Test
    void aCooldownFromAnUpstream429TravelsToo() {
        Provider provider = shared(second);
        second.getBean(KeyHealth.class).failed(provider, provider.keys().keys().get(1),
                new UpstreamException(ErrorClass.RATE_LIMITED, 429, "rate_limit_exceeded", "slow down", Duration.ofMinutes(5)));

        await().atMost(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(50))
                .until(() -> status(first, 1) == KeyStatus.RATE_LIMITED);
        assertThat(first.getBean(KeyHealth.class).usableAt(shared(first), shared(first).keys().keys().get(1)))
                .isGreaterThan(System.currentTimeMillis() + Duration.ofMinutes(4).toMillis());
        second.getBean(KeyHealth.class).activate(provider, provider.keys().keys().get(1), "test over");
        await().atMost(Duration.ofMillis(1500)).until(() -> status(first, 1) == KeyStatus.ACTIVE);
    }

    @Test
    void dailyCountersAreSharedWithoutLostUpdates() {
        DailyLimits firstLimits = first.getBean(DailyLimits.class);
        DailyLimits secondLimits = second.getBean(DailyLimits.class);
        long before = stored(first);
        for (int i = 0; i < 10; i++) {
            chat(first);
            chat(second);
        }

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(stored(first)).isEqualTo(before + 20);
            assertThat(firstLimits.used(DailyLimits.Scope.PROVIDER, "shared", "")).isEqualTo(before + 20);
            assertThat(secondLimits.used(DailyLimits.Scope.PROVIDER, "shared", "")).isEqualTo(before + 20);
        });
    }

    private static long stored(ConfigurableApplicationContext context) {
        Long calls = context.getBean(DatabaseClient.class)
                .sql("select coalesce(sum(calls), 0) as n from daily_counters where scope = 'provider' and provider = 'shared'")
                .map((row, meta) -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5));
        return calls == null ? 0 : calls;
    }
}
