package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

class RetryHintsTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private static HttpHeaders headers(String... pairs) {
        HttpHeaders h = new HttpHeaders();
        for (int i = 0; i < pairs.length; i += 2) {
            h.add(pairs[i], pairs[i + 1]);
        }
        return h;
    }

    @Test
    void retryAfterMsWinsOverRetryAfter() {
        assertThat(RetryHints.fromHeaders(headers("retry-after-ms", "1500", "retry-after", "2"), NOW))
                .isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void retryAfterAcceptsSecondsFractionsAndHttpDates() {
        assertThat(RetryHints.fromHeaders(headers("retry-after", "7"), NOW)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryHints.fromHeaders(headers("retry-after", "1.5"), NOW)).isEqualTo(Duration.ofMillis(1500));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(30).atOffset(ZoneOffset.UTC));
        assertThat(RetryHints.fromHeaders(headers("Retry-After", date), NOW)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void resetHeadersCountOnlyForTheExhaustedWindow() {
        HttpHeaders h = headers("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "6m0s",
                "x-ratelimit-remaining-tokens", "1000", "x-ratelimit-reset-tokens", "1.5s");

        assertThat(RetryHints.fromHeaders(h, NOW)).isEqualTo(Duration.ofMinutes(6));
    }

    @Test
    void goDurationsParse() {
        assertThat(RetryHints.goDuration("12ms")).isEqualTo(Duration.ofMillis(12));
        assertThat(RetryHints.goDuration("2m59.56s")).isEqualTo(Duration.ofMillis(179_560));
        assertThat(RetryHints.goDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(RetryHints.goDuration("soon")).isNull();
    }

    @Test
    void messagesSayingTryAgainInAreALastResort() {
        assertThat(RetryHints.fromMessage("Please try again in 84ms. Visit ...")).isEqualTo(Duration.ofMillis(84));
        assertThat(RetryHints.fromMessage("Please try again in 5.289s.")).isEqualTo(Duration.ofMillis(5289));
        assertThat(RetryHints.fromMessage("no hint")).isNull();
    }

    @Test
    void noHintAtAllIsNull() {
        assertThat(RetryHints.fromHeaders(headers(), NOW)).isNull();
        assertThat(RetryHints.fromHeaders(headers("retry-after", "garbage"), NOW)).isNull();
    }
}
