package dev.switchboard.providers.gemini;

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

class GeminiErrorsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ApiKey KEY = new ApiKey("gemini#1", "AIzaSyA-secret-secret-secret-1234", 100, 0, true);

    private final GeminiErrors errors = new GeminiErrors(JSON);

    private UpstreamException http(int status, String body, HttpHeaders headers) {
        return errors.fromHttp(status, headers, body.getBytes(StandardCharsets.UTF_8), KEY, Instant.now());
    }

    private static String error(int code, String status, String message, String details) {
        return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"status\":\"" + status + "\""
                + (details.isEmpty() ? "" : ",\"details\":[" + details + "]") + "}}";
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "403|PERMISSION_DENIED|Method doesn't allow unregistered callers|INVALID_KEY",
        "400|FAILED_PRECONDITION|User location is not supported for the API use.|INVALID_KEY",
        "401|UNAUTHENTICATED|Request had invalid authentication credentials.|INVALID_KEY",
        "402|RESOURCE_EXHAUSTED|Your prepaid credits are exhausted.|QUOTA_EXCEEDED",
        "429|RESOURCE_EXHAUSTED|Resource has been exhausted (e.g. check quota).|RATE_LIMITED",
        "503|UNAVAILABLE|The model is overloaded. Please try again later.|OVERLOADED",
        "500|INTERNAL|An internal error has occurred.|SERVER_ERROR",
        "504|DEADLINE_EXCEEDED|Deadline expired before operation could complete.|SERVER_ERROR",
        "404|NOT_FOUND|models/gemini-9 is not found for API version v1beta|MODEL_NOT_FOUND",
        "400|INVALID_ARGUMENT|Invalid JSON payload received. Unknown name \\\"stream_options\\\"|BAD_REQUEST"
    })
    void httpErrorsAreClassifiedByStatusAndGrpcStatus(int code, String status, String message, ErrorClass expected) {
        UpstreamException error = http(code, error(code, status, message, ""), new HttpHeaders());

        assertThat(error.errorClass()).isEqualTo(expected);
        assertThat(error.upstreamCode()).isEqualTo(status);
    }

    @Test
    void detailsAreMatchedByTypeInAnyOrderAmongUnknownEntries() {
        String details = "{\"@type\":\"type.googleapis.com/google.rpc.Help\",\"links\":[]},"
                + "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"12.5s\"},"
                + "{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaId\":"
                + "\"GenerateContentInputTokensPerModelPerMinute-FreeTier\",\"quotaValue\":\"250000\"}]}";

        UpstreamException error = http(429, error(429, "RESOURCE_EXHAUSTED", "quota", details), new HttpHeaders());

        assertThat(error.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(error.retryAfter()).isEqualTo(Duration.ofMillis(12_500));
    }

    @Test
    void aRetryAfterHeaderWinsOverRetryInfo() {
        HttpHeaders headers = new HttpHeaders();
        headers.add("Retry-After", "3");
        String details = "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"19s\"}";

        assertThat(http(429, error(429, "RESOURCE_EXHAUSTED", "quota", details), headers).retryAfter())
                .isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void anErrorBodyWrappedInAnArrayIsRead() {
        String body = "[" + error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\"}") + "]";

        assertThat(http(400, body, new HttpHeaders()).errorClass()).isEqualTo(ErrorClass.INVALID_KEY);
    }

    @Test
    void anExpiredKeyIsAnInvalidKey() {
        String details = "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_EXPIRED\"}";

        assertThat(http(400, error(400, "INVALID_ARGUMENT", "API key expired. Please renew the API key.", details),
                new HttpHeaders()).errorClass()).isEqualTo(ErrorClass.INVALID_KEY);
    }

    @Test
    void inBandErrorsTakeTheirStatusFromTheErrorCode() {
        UpstreamException error = errors.inBand(JSON.readTree("{\"code\": 500, \"message\": \"An internal error has"
                + " occurred.\", \"status\": \"INTERNAL\"}"), KEY);

        assertThat(error.errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
        assertThat(error.status()).as("no HTTP status: the stream was a 200").isZero();
    }

    @Test
    void anHtmlPageIsReadWithoutFailing() {
        UpstreamException error = http(502, "<html><body>Bad Gateway</body></html>", new HttpHeaders());

        assertThat(error.errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
        assertThat(error.getMessage()).isEqualTo("HTTP 502");
    }
}
