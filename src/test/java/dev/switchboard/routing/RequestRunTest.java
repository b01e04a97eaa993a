package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.Surface;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

class RequestRunTest {

    @Test
    void everyOutcomeHasItsNameInLowerCaseAsciiAsItsCode() {
        for (RequestRun.Outcome outcome : RequestRun.Outcome.values()) {
            assertThat(outcome.code()).matches("[a-z]+").isEqualTo(outcome.name().toLowerCase(Locale.ROOT));
        }
    }

    @Test
    void theCodesDoNotDependOnTheDefaultLocale() {
        // what lower-casing the enum's name with the default locale would have written on a Turkish JVM
        assertThat("FAILED".toLowerCase(Locale.forLanguageTag("tr"))).isEqualTo("fa\u0131led");
        assertThat(RequestRun.Outcome.FAILED.code()).isEqualTo("failed");
    }

    @Test
    void handsOutOneCopyOfTheAttemptsUntilTheNextAttemptWhichEarlierCopiesDoNotShow() {
        RequestRun run = new RequestRun(ChatCommand.builder("r", Surface.SYNC, List.of(new ChatMessage("user", "x")))
                .build(), Mockito.mock(RoutePlan.class), () -> null, 5, Duration.ofSeconds(30), 0);
        assertThat(run.attempts()).isEmpty();

        run.waitedFor(new RoutePlan.Recovery(10, "fast", "fast#1", "m"), 10);
        List<Attempt> first = run.attempts();
        assertThat(run.attempts()).isSameAs(first).hasSize(1);

        run.waitedFor(new RoutePlan.Recovery(20, "fast", "fast#2", "m"), 20);
        List<Attempt> second = run.attempts();

        assertThat(first).extracting(Attempt::key).containsExactly("fast#1");
        assertThat(second).extracting(Attempt::key).containsExactly("fast#1", "fast#2");
        assertThat(run.attempts()).isSameAs(second);
        assertThat(second).isUnmodifiable();
    }
}
