package dev.switchboard.providers.openai;

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

/** The OpenAI family's variants from section 1.6 of the reference that the conformance cases do not cover. */
class OpenAiErrorsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant NOW = Instant.ofEpochMilli(1_788_825_000_000L);
    private static final ApiKey KEY = new ApiKey("or#1", "sk-or-v1-0123456789abcdef", 100, 0, true);

    private final OpenAiErrors errors = new OpenAiErrors(JSON);

    private UpstreamException http(int status, String body) {
        return errors.fromHttp(status, new HttpHeaders(), body.getBytes(StandardCharsets.UTF_8), KEY, NOW);
    }

    @Test
    void openRouterFreeModelsPerDayIsAQuotaThatLastsUntilItsResetTime() {
        UpstreamException error = http(429, "{\"error\":{\"message\":\"Rate limit exceeded: free-models-per-day. Add 10"
                + " credits to unlock 1000 free model requests per day\",\"code\":429,\"metadata\":{\"headers\":"
                + "{\"X-RateLimit-Limit\":\"50\",\"X-RateLimit-Remaining\":\"0\",\"X-RateLimit-Reset\":\"1788825600000\"},"
                + "\"provider_name\":null}}}");

        assertThat(error.errorClass()).isEqualTo(ErrorClass.QUOTA_EXCEEDED);
        assertThat(error.retryAfter()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void openRouterUpstreamRateLimitUsesTheResetTimeAsHint() {
        UpstreamException error = http(429, "{\"error\":{\"message\":\"Provider returned error\",\"code\":429,"
                + "\"metadata\":{\"headers\":{\"X-RateLimit-Reset\":1788825030000},\"provider_name\":\"Groq\"}}}");

        assertThat(error.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void openRouterModeration403RefusesTheInputNotTheKey() {
        UpstreamException error = http(403, "{\"error\":{\"message\":\"Input was flagged by moderation\",\"code\":403,"
                + "\"metadata\":{\"reasons\":[\"violence\"],\"flagged_input\":\"...\",\"provider_name\":\"OpenAI\","
                + "\"model_slug\":\"openai/gpt-4o\"}}}");

        assertThat(error.errorClass()).isEqualTo(ErrorClass.BAD_REQUEST);
        assertThat(error.upstreamCode()).isEqualTo("content_filter");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "402|{\"error\":{\"message\":\"This request requires more credits, or fewer max_tokens.\",\"code\":402}}|QUOTA_EXCEEDED",
        "401|{\"error\":{\"message\":\"User not found.\",\"code\":401}}|INVALID_KEY",
        "401|{\"message\":\"Wrong API Key\",\"type\":\"invalid_request_error\",\"param\":\"api_key\",\"code\":\"wrong_api_key\"}|INVALID_KEY",
        "403|{\"detail\":\"Not authenticated\"}|INVALID_KEY",
        "404|{\"message\":\"Model x does not exist or you do not have access to it.\",\"type\":\"not_found_error\",\"param\":\"model\",\"code\":\"model_not_found\"}|MODEL_NOT_FOUND",
        "503|{\"error\":{\"message\":\"The engine is currently overloaded, please try again later.\",\"type\":\"server_error\"}}|OVERLOADED",
        "498|{\"error\":{\"message\":\"Flex tier capacity exceeded.\",\"type\":\"capacity_exceeded\"}}|OVERLOADED",
        "413|{\"error\":{\"message\":\"Request too large for model\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}|BAD_REQUEST",
        "429|{\"error\":{\"message\":\"Request too large for gpt-4o in organization org-1 on tokens per min (TPM): Limit 30000, Requested 34307.\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}|BAD_REQUEST",
        "429|{\"error\":{\"message\":\"You exceeded your current quota.\",\"type\":\"insufficient_quota\",\"code\":\"project_spend_limit_exceeded\"}}|QUOTA_EXCEEDED"
    })
    void familyVariantsAreClassifiedPerTheReference(int status, String body, ErrorClass expected) {
        assertThat(http(status, body).errorClass()).isEqualTo(expected);
    }

    @Test
    void groqStringErrorInsideXGroqIsAServerErrorInBand() {
        UpstreamException error = errors.inBand(JSON.readTree("\"stream stopped: model overloaded\""), KEY, NOW);

        assertThat(error.errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
        assertThat(error.getMessage()).isEqualTo("stream stopped: model overloaded");
    }
}
