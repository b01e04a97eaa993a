package dev.switchboard.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.Surface;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.ChatService;
import dev.switchboard.testsupport.ExtraGateway;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** A key banned before a restart is still banned after it, and the day's counters survive too. */
class KeyStateRestartIT {

    private static ConfigurableApplicationContext start() {
        return ExtraGateway.start("restart");
    }

    private static void chat(ConfigurableApplicationContext context) {
        context.getBean(ChatService.class).complete(ChatCommand.builder("r-" + System.nanoTime(), Surface.SYNC,
                List.of(new ChatMessage("user", "hi"))).provider("restartp").build()).block(Duration.ofSeconds(10));
    }

    @Test
    void aBannedKeyStaysBannedAndCountersSurviveARestart() {
        long callsBefore;
        try (ConfigurableApplicationContext first = start()) {
            Provider provider = first.getBean(ProviderRegistry.class).get("restartp").orElseThrow();
            ApiKey banned = provider.keys().keys().get(0);
            first.getBean(KeyHealth.class).disable(provider, banned, "banned before the restart");
            for (int i = 0; i < 4; i++) {
                chat(first);
            }
            callsBefore = first.getBean(DailyLimits.class).used(DailyLimits.Scope.PROVIDER, "restartp", "");
            assertThat(callsBefore).isGreaterThanOrEqualTo(4);
        }

        try (ConfigurableApplicationContext second = start()) {
            Provider provider = second.getBean(ProviderRegistry.class).get("restartp").orElseThrow();
            KeyHealth health = second.getBean(KeyHealth.class);
            assertThat(health.status(provider, provider.keys().keys().get(0))).isEqualTo(KeyStatus.DISABLED);
            assertThat(health.status(provider, provider.keys().keys().get(1))).isEqualTo(KeyStatus.ACTIVE);
            DailyLimits limits = second.getBean(DailyLimits.class);
            assertThat(limits.used(DailyLimits.Scope.PROVIDER, "restartp", "")).isEqualTo(callsBefore);
            assertThat(limits.used(DailyLimits.Scope.KEY, "restartp", "rs-banned")).isZero();

            chat(second);
            assertThat(limits.used(DailyLimits.Scope.KEY, "restartp", "rs-ok")).isEqualTo(callsBefore + 1);
        }
    }
}
