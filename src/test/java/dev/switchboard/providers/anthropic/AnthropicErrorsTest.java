package dev.switchboard.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.ApiKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpHeaders;
import tools.jackson.databind.json.JsonMapper;

class AnthropicErrorsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final ApiKey KEY = new ApiKey("claude#1", "sk-ant-api03-secretsecretsecret", 100, 0, true);

    private final AnthropicErrors errors = new AnthropicErrors(JSON);

    private static String envelope(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"},"
                + "\"request_id\":\"req_1\"}";
    }

    private UpstreamException http(int status, String body, HttpHeaders headers) {
        return errors.fromHttp(status, headers, body.getBytes(StandardCharsets.UTF_8), KEY, NOW);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "401, authentication_error, invalid x-api-key, INVALID_KEY",
        "403, permission_error, Your API key does not have permission, INVALID_KEY",
        "402, billing_error, Payment required, QUOTA_EXCEEDED",
        "400, invalid_request_error, Your organization has reached its spend limit, QUOTA_EXCEEDED",
        "429, rate_limit_error, Number of request tokens has exceeded your per-minute rate limit, RATE_LIMITED",
        "529, overloaded_error, Overloaded, OVERLOADED",
        "400, invalid_request_error, messages: roles must alternate, BAD_REQUEST",
        "413, request_too_large, Request exceeds the maximum allowed number of bytes, BAD_REQUEST",
        "404, not_found_error, model: claude-9, MODEL_NOT_FOUND",
        "500, api_error, Internal server error, SERVER_ERROR",
        "504, timeout_error, Request timed out, SERVER_ERROR"
    })
    void httpErrorsAreClassifiedByStatusTypeAndMessage(int status, String type, String message, ErrorClass expected) {
        UpstreamException error = http(status, envelope(type, message), new HttpHeaders());

        assertThat(error.errorClass()).isEqualTo(expected);
        assertThat(error.status()).isEqualTo(status);
        assertThat(error.upstreamCode()).isEqualTo(type);
    }

    @Test
    void aCloudflareHtmlPageIsReadWithoutFailing() {
        UpstreamException error = http(413, "<html><body>413 Request Entity Too Large</body></html>", new HttpHeaders());

        assertThat(error.errorClass()).isEqualTo(ErrorClass.BAD_REQUEST);
        assertThat(error.getMessage()).isEqualTo("HTTP 413");
    }

    @Test
    void retryAfterWinsOverTheResetHeaders() {
        HttpHeaders headers = new HttpHeaders();
        headers.add("retry-after", "12");
        headers.add("anthropic-ratelimit-requests-remaining", "0");
        headers.add("anthropic-ratelimit-requests-reset", "2026-03-01T12:05:00Z");

        assertThat(http(429, envelope("rate_limit_error", "slow down"), headers).retryAfter())
                .isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void withoutRetryAfterTheLatestExhaustedWindowResetIsTheHint() {
        HttpHeaders headers = new HttpHeaders();
        headers.add("anthropic-ratelimit-input-tokens-remaining", "0");
        headers.add("anthropic-ratelimit-input-tokens-reset", "2026-03-01T12:00:30Z");
        headers.add("anthropic-ratelimit-output-tokens-remaining", "0");
        headers.add("anthropic-ratelimit-output-tokens-reset", "2026-03-01T12:01:00Z");
        headers.add("anthropic-ratelimit-requests-remaining", "41");
        headers.add("anthropic-ratelimit-requests-reset", "2026-03-01T12:10:00Z");

        assertThat(http(429, envelope("rate_limit_error", "slow down"), headers).retryAfter())
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void inBandErrorsAreClassifiedByTypeWithoutStatus() {
        UpstreamException error = errors.inBand(JSON.readTree(envelope("rate_limit_error", "slow down")), KEY);

        assertThat(error.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(error.status()).isZero();
    }

    @Test
    void messagesNeverCarryTheKey() {
        UpstreamException error = http(401, envelope("authentication_error", "invalid x-api-key " + KEY.secret()),
                new HttpHeaders());

        assertThat(error.getMessage()).doesNotContain(KEY.secret()).contains("claude#1");
    }
}
