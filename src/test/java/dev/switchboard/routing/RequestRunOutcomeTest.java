package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class RequestRunOutcomeTest {

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
}
