package dev.switchboard.conformance;

import static dev.switchboard.testsupport.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.testsupport.FakeUpstream;
import dev.switchboard.testsupport.FakeUpstream.Script;
import dev.switchboard.testsupport.Gateway;
import dev.switchboard.testsupport.Gateway.Outcome;
import dev.switchboard.testsupport.Seen;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Conformance cases about rate limits and quotas: 2, 3, 4, 5, 6, 10, 12. Each asserts the class and retry
 * hint the adapter reports for the key (what the key manager's cooldown consumes) and that the client
 * gets the fallback's answer.
 */
class RateLimitConformanceTest {

    private final FakeUpstream fake = FakeUpstream.start();
    private final Gateway gateway = new Gateway(
            Gateway.provider("openai", WireFormat.OPENAI, fake.url("/v1"), "sk-one", "sk-two"),
            Gateway.provider("claude", WireFormat.ANTHROPIC, fake.url("/v1"), "sk-ant-one", "sk-ant-two"),
            Gateway.provider("gemini", WireFormat.GEMINI, fake.url("/v1beta"), "AIza-one", "AIza-two"));

    @AfterEach
    void stop() {
        gateway.close();
        fake.close();
    }

    /** Runs a stream whose first key fails as scripted and whose second key answers; returns the failure. */
    private Outcome firstKeyFailsThenSecondAnswers(String provider, String failingKey, Script failure) {
        fake.on(failingKey, failure);
        fake.on("sk-two", Script.sse().write(OPENAI_HAPPY));
        fake.on("sk-ant-two", Script.sse().write(ANTHROPIC_HAPPY));
        fake.on("AIza-two", Script.sse().write(geminiStream("\r\n\r\n")));

        Seen seen = Seen.of(gateway.stream(provider));

        assertThat(seen.error()).isNull();
        assertThat(seen.route().key()).isEqualTo(provider + "#2");
        assertThat(seen.text()).isNotEmpty();
        assertThat(gateway.trail()).hasSize(2).last().isEqualTo(provider + "#2:ok");
        assertThat(fake.requestsWith(failingKey)).hasSize(1);
        return gateway.outcome(provider + "#1");
    }

    private static Script openAi429(String... headers) {
        Script script = Script.status(429).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            script.header(headers[i], headers[i + 1]);
        }
        return script.write(OPENAI_429_RATE_LIMIT);
    }

    @Test
    void case02_429RetryAfter7_coolsKeyForExactly7sAndFallsBack() {
        Outcome failure = firstKeyFailsThenSecondAnswers("openai", "sk-one", openAi429("retry-after", "7"));

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void case03_429RetryAfterMs_millisecondsWinOverSeconds() {
        Outcome failure = firstKeyFailsThenSecondAnswers("openai", "sk-one",
                openAi429("retry-after-ms", "1500", "retry-after", "2"));

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(failure.retryAfter()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void case04_429RetryAfterDate_coolsUntilThatDate() {
        String in30s = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30));

        Outcome failure = firstKeyFailsThenSecondAnswers("openai", "sk-one", openAi429("Retry-After", in30s));

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        // the date has whole seconds; the request took a moment
        assertThat(failure.retryAfter()).isBetween(Duration.ofSeconds(27), Duration.ofSeconds(30));
    }

    @Test
    void case05_429ResetHeadersOnly_coolsForTheExhaustedWindow() {
        Script failure = Script.status(429).header("Content-Type", "application/json")
                .header("x-ratelimit-remaining-requests", "0").header("x-ratelimit-reset-requests", "6m0s")
                .header("x-ratelimit-remaining-tokens", "180000").header("x-ratelimit-reset-tokens", "1.5s")
                .write("{\"error\":{\"message\":\"Rate limit reached for gpt-4o-mini in organization org-abc on requests"
                        + " per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.\",\"type\":\"requests\","
                        + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}");

        Outcome outcome = firstKeyFailsThenSecondAnswers("openai", "sk-one", failure);

        assertThat(outcome.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(outcome.retryAfter()).isEqualTo(Duration.ofSeconds(360));
    }

    @Test
    void case06_429InsufficientQuota_marksQuotaExhaustedNotAShortRateLimit() {
        Outcome failure = firstKeyFailsThenSecondAnswers("openai", "sk-one",
                Script.json(429, OPENAI_429_QUOTA).header("retry-after", "1"));

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.QUOTA_EXCEEDED);
        assertThat(failure.retryAfter()).as("a quota does not end in seconds").isNull();
    }

    @Test
    void case10_gemini429RetryInfo_perMinuteQuotaCoolsFor19s() {
        Outcome failure = firstKeyFailsThenSecondAnswers("gemini", "AIza-one",
                Script.json(429, gemini429("GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "15")));

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(19));
        assertThat(failure.upstreamCode()).isEqualTo("RESOURCE_EXHAUSTED");
    }

    @Test
    void case10_gemini429RetryInfo_perDayQuotaIsQuotaExhaustedDespiteTheShortDelay() {
        Outcome failure = firstKeyFailsThenSecondAnswers("gemini", "AIza-one",
                Script.json(429, gemini429("GenerateRequestsPerDayPerProjectPerModel-FreeTier", "20")));

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.QUOTA_EXCEEDED);
        assertThat(failure.retryAfter()).as("19s would retry a daily quota every 19s").isNull();
    }

    @Test
    void case10_gemini429RetryInfo_zeroQuotaValueMeansTheKeyCannotUseThisModel() {
        Outcome failure = firstKeyFailsThenSecondAnswers("gemini", "AIza-one",
                Script.json(429, gemini429("GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "0")));

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.QUOTA_EXCEEDED);
        assertThat(failure.retryAfter()).isNull();
    }

    @Test
    void case12_anthropicSpendLimit_creditBalanceTooLowIsQuotaExhausted() {
        Outcome failure = firstKeyFailsThenSecondAnswers("claude", "sk-ant-one", Script.json(400, ANTHROPIC_400_CREDIT));

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.QUOTA_EXCEEDED);
        assertThat(failure.retryAfter()).isNull();
    }

    /** The body's exact JSON is unverified [U]: the error_code and the "spend limit" wording both classify it. */
    @Test
    void case12_anthropicSpendLimit_enforcedSpendLimit429IsQuotaExhaustedNotRateLimited() {
        Outcome failure = firstKeyFailsThenSecondAnswers("claude", "sk-ant-one",
                Script.json(429, ANTHROPIC_429_SPEND_LIMIT));

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.QUOTA_EXCEEDED);
        assertThat(failure.retryAfter()).isNull();
        assertThat(failure.upstreamCode()).isEqualTo("enforced_spend_limit_reached");
    }

    @Test
    void anthropic429WithoutRetryAfterCoolsUntilTheExhaustedWindowResets() {
        String in42s = Instant.now().plusSeconds(42).truncatedTo(ChronoUnit.SECONDS).toString();
        Outcome failure = firstKeyFailsThenSecondAnswers("claude", "sk-ant-one", Script.status(429)
                .header("Content-Type", "application/json")
                .header("anthropic-ratelimit-requests-remaining", "0").header("anthropic-ratelimit-requests-reset", in42s)
                .header("anthropic-ratelimit-tokens-remaining", "9000").header("anthropic-ratelimit-tokens-reset", in42s)
                .write("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Number of requests has"
                        + " exceeded your per-minute rate limit\"}}"));

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(failure.retryAfter()).isBetween(Duration.ofSeconds(39), Duration.ofSeconds(42));
    }
}
