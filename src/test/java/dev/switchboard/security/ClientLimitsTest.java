package dev.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.chat.Surface;
import dev.switchboard.routing.RequestAdmission.Permit;
import dev.switchboard.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientLimitsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T23:59:00Z"));
    private final ClientDirectory directory = new ClientDirectory(new ClientKeyStore(null), Duration.ofSeconds(10), clock);

    private ClientLimits limits(int maxConcurrent, int perMinute, long dailyRequests, long dailyTokens) {
        directory.added(new ClientRecord("c1", "one", new byte[16], new byte[32], perMinute, dailyRequests, dailyTokens,
                clock.instant(), null));
        return new ClientLimits(directory, clock, maxConcurrent);
    }

    @Test
    void refusesThePerMinuteExcessWithA429AndTheWaitUntilTheNextToken() {
        ClientLimits limits = limits(0, 2, 0, 0);
        limits.admit(command("c1")).release();
        limits.admit(command("c1")).release();

        GatewayException refused = refused(limits, "c1");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("client_rate_limited");
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(30));
        assertThat(limits.admit(command("c1"))).isNotNull();
    }

    @Test
    void refusesMoreConcurrentRequestsThanAllowedUntilOneEnds() {
        ClientLimits limits = limits(2, 0, 0, 0);
        Permit first = limits.admit(command("c1"));
        limits.admit(command("c1"));

        assertThat(refused(limits, "c1").code()).isEqualTo("too_many_concurrent_streams");
        first.release();
        first.release();
        limits.admit(command("c1"));
        assertThat(refused(limits, "c1").code()).as("a permit counts once however often released")
                .isEqualTo("too_many_concurrent_streams");
    }

    @Test
    void refusesOnceTheDailyRequestBudgetIsUsedUpUntilMidnightUtc() {
        ClientLimits limits = limits(0, 0, 1, 0);
        limits.admit(command("c1")).release();

        GatewayException refused = refused(limits, "c1");

        assertThat(refused.code()).isEqualTo("client_daily_requests_exceeded");
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1));
        limits.admit(command("c1")).release();
    }

    @Test
    void refusedRequestsDoNotUseUpTheDailyBudget() {
        ClientLimits limits = limits(1, 0, 2, 0);
        Permit held = limits.admit(command("c1"));
        refused(limits, "c1");
        refused(limits, "c1");
        held.release();

        limits.admit(command("c1")).release();
        assertThat(limits.usageToday("c1")[0]).isEqualTo(2);
    }

    @Test
    void anonymousAndAdminRequestsAreNotLimited() {
        ClientLimits limits = limits(1, 1, 1, 1);

        for (int i = 0; i < 5; i++) {
            limits.admit(command(ChatCommand.ANONYMOUS));
            limits.admit(command(ClientLimits.ADMIN));
        }
        assertThat(limits.tallies()).isEmpty();
    }

    private static GatewayException refused(ClientLimits limits, String client) {
        return catchThrowableOfType(GatewayException.class, () -> limits.admit(command(client)));
    }

    private static ChatCommand command(String client) {
        return ChatCommand.builder("req", Surface.SYNC, List.of(new ChatMessage("user", "hi"))).client(client).build();
    }
}
