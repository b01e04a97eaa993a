package dev.switchboard.conformance;

import static dev.switchboard.testsupport.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.CandidatesExhaustedException;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.testsupport.FakeUpstream;
import dev.switchboard.testsupport.FakeUpstream.Script;
import dev.switchboard.testsupport.Gateway;
import dev.switchboard.testsupport.Seen;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Conformance cases about keys and requests the provider refuses: 7, 8, 9, 11, 13, 14. */
class KeyErrorConformanceTest {

    private static final String SECRET = "sk-proj-abcdefghijklmnopqrstuvwxyz0123wxyz";

    private final FakeUpstream fake = FakeUpstream.start();
    private final Gateway gateway = new Gateway(
            Gateway.provider("openai", WireFormat.OPENAI, fake.url("/v1"), SECRET, "sk-two"),
            Gateway.provider("claude", WireFormat.ANTHROPIC, fake.url("/v1"), "sk-ant-one", "sk-ant-two"),
            Gateway.provider("gemini", WireFormat.GEMINI, fake.url("/v1beta"), "AIza-one", "AIza-two"));

    @AfterEach
    void stop() {
        gateway.close();
        fake.close();
    }

    private void healthySecondKeys() {
        fake.on("sk-two", Script.sse().write(OPENAI_HAPPY));
        fake.on("sk-ant-two", Script.sse().write(ANTHROPIC_HAPPY));
        fake.on("AIza-two", Script.sse().write(geminiStream("\r\n\r\n")));
    }

    private Seen fallsBackToTheSecondKey(String provider) {
        Seen seen = Seen.of(gateway.stream(provider));
        assertThat(seen.error()).isNull();
        assertThat(seen.route().key()).isEqualTo(provider + "#2");
        return seen;
    }

    /** Everything a client can read about the request: attempts (headers, done event) and error messages. */
    private static List<String> clientVisibleText(Seen seen) {
        List<String> text = new ArrayList<>();
        if (seen.result() != null) {
            seen.result().attempts().forEach(a -> text.add(String.valueOf(a.message())));
        }
        if (seen.error() != null) {
            text.add(seen.error().getMessage());
            if (seen.error() instanceof CandidatesExhaustedException failed) {
                failed.attempts().stream().map(Attempt::message).forEach(text::add);
            }
        }
        return text;
    }

    @Test
    void case07_401InvalidKey_disablesTheKeyAndFallsBackWithoutLeakingAnyKeyFragment() {
        fake.on(SECRET, Script.json(401, OPENAI_401));
        healthySecondKeys();

        Seen seen = fallsBackToTheSecondKey("openai");

        assertThat(gateway.outcome("openai#1").errorClass()).isEqualTo(ErrorClass.INVALID_KEY);
        assertThat(fake.requestsWith(SECRET)).as("never retried with the same key").hasSize(1);
        assertThat(clientVisibleText(seen)).isNotEmpty().allSatisfy(text -> assertThat(text)
                .doesNotContain("wxyz", "sk-proj", SECRET));
        assertThat(gateway.outcome("openai#1").message()).doesNotContain("wxyz", "sk-proj");
    }

    @Test
    void case07_401InvalidKey_aBodyEchoingTheWholeKeyShowsOnlyTheAlias() {
        fake.on(SECRET, Script.json(401, OPENAI_401.replace("sk-proj-****wxyz", SECRET)));
        fake.on("sk-two", Script.json(401, OPENAI_401.replace("sk-proj-****wxyz", "sk-two")));

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.error()).isInstanceOf(CandidatesExhaustedException.class);
        assertThat(gateway.trail()).containsExactly("openai#1:invalid_key", "openai#2:invalid_key");
        assertThat(clientVisibleText(seen)).allSatisfy(text -> assertThat(text).doesNotContain("wxyz", SECRET));
        assertThat(gateway.outcome("openai#1").message()).contains("openai#1");
    }

    @Test
    void case08_xai400BadKey_isAnInvalidKeyNotAClientError() {
        fake.on(SECRET, Script.json(400, XAI_400_BAD_KEY));
        healthySecondKeys();

        Seen seen = fallsBackToTheSecondKey("openai");

        assertThat(gateway.outcome("openai#1").errorClass()).isEqualTo(ErrorClass.INVALID_KEY);
        assertThat(clientVisibleText(seen)).allSatisfy(text -> assertThat(text).doesNotContain("xa***EY"));
    }

    @Test
    void case09_gemini400ApiKeyInvalid_isAnInvalidKey() {
        fake.on("AIza-one", Script.json(400, GEMINI_400_API_KEY_INVALID));
        healthySecondKeys();

        fallsBackToTheSecondKey("gemini");

        assertThat(gateway.outcome("gemini#1").errorClass()).isEqualTo(ErrorClass.INVALID_KEY);
        assertThat(gateway.outcome("gemini#1").upstreamCode()).isEqualTo("API_KEY_INVALID");
    }

    @Test
    void case11_anthropic529Overloaded_isTransientWithoutInvalidOrQuotaMark() {
        fake.on("sk-ant-one", Script.json(529, ANTHROPIC_529));
        healthySecondKeys();

        Seen seen = fallsBackToTheSecondKey("claude");

        assertThat(seen.text()).isEqualTo("Hello!");
        assertThat(gateway.trail()).containsExactly("claude#1:overloaded", "claude#2:ok");
    }

    @Test
    void case13_contextTooLong_openAi400GoesToTheClientWithoutRetryOrKeyPenalty() {
        fake.on(SECRET, Script.json(400, OPENAI_400_CONTEXT));
        healthySecondKeys();

        assertRejectedAsContextTooLong(Seen.of(gateway.stream("openai")), "openai");
    }

    @Test
    void case13_contextTooLong_anthropicPromptTooLongBecomesOpenAisCode() {
        fake.on("sk-ant-one", Script.json(400, ANTHROPIC_400_PROMPT_TOO_LONG));
        healthySecondKeys();

        assertRejectedAsContextTooLong(Seen.of(gateway.stream("claude")), "claude");
    }

    @Test
    void case13_contextTooLong_geminiInputTokenCountBecomesOpenAisCode() {
        fake.on("AIza-one", Script.json(400, GEMINI_400_CONTEXT));
        healthySecondKeys();

        assertRejectedAsContextTooLong(Seen.of(gateway.stream("gemini")), "gemini");
    }

    @Test
    void case13_contextTooLong_syncRequestsAreRejectedTheSameWay() {
        fake.on("AIza-one", Script.json(400, GEMINI_400_CONTEXT));
        healthySecondKeys();

        Throwable error = catchThrowable(() -> gateway.complete("gemini").block(Duration.ofSeconds(10)));

        assertThat(error).isInstanceOfSatisfying(UpstreamException.class, upstream -> {
            assertThat(upstream.status()).isEqualTo(400);
            assertThat(upstream.upstreamCode()).isEqualTo("context_length_exceeded");
        });
        assertThat(fake.requestsWith("AIza-two")).isEmpty();
    }

    /**
     * The API error handler turns this exception into the client's 400 with the exception's status and
     * {@code upstreamCode} as OpenAI's {@code code}.
     */
    private void assertRejectedAsContextTooLong(Seen seen, String provider) {
        assertThat(seen.committed()).isFalse();
        assertThat(seen.error()).isInstanceOfSatisfying(UpstreamException.class, upstream -> {
            assertThat(upstream.errorClass()).isEqualTo(ErrorClass.BAD_REQUEST);
            assertThat(upstream.status()).isEqualTo(400);
            assertThat(upstream.upstreamCode()).isEqualTo("context_length_exceeded");
        });
        assertThat(gateway.trail()).as("no failover").containsExactly(provider + "#1:bad_request");
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void case14_5xxHtmlBody_isAServerErrorAndFallsBack() {
        fake.on(SECRET, Script.status(502).header("Content-Type", "text/html")
                .write("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway"
                        + "</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"));
        healthySecondKeys();

        fallsBackToTheSecondKey("openai");

        assertThat(gateway.outcome("openai#1").errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
        assertThat(gateway.outcome("openai#1").message()).isEqualTo("HTTP 502");
    }
}
