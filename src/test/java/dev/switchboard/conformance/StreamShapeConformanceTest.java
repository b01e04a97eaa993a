package dev.switchboard.conformance;

import static dev.switchboard.testsupport.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.Usage;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.testsupport.FakeUpstream;
import dev.switchboard.testsupport.FakeUpstream.Recorded;
import dev.switchboard.testsupport.FakeUpstream.Script;
import dev.switchboard.testsupport.Gateway;
import dev.switchboard.testsupport.Seen;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Conformance cases about what a healthy, or oddly shaped, stream delivers: 1, 20, 26, 27, 30, 31, 32, 33.
 * Each provider has two keys; the second is where a fallback would go.
 */
class StreamShapeConformanceTest {

    private final FakeUpstream fake = FakeUpstream.start();
    /** The first-chunk timeout of case 01 stays short; a cold JVM gets time between chunks. */
    private final Gateway gateway = new Gateway(Gateway.routing(Duration.ofSeconds(2), Duration.ofSeconds(5)),
            Gateway.provider("openai", WireFormat.OPENAI, fake.url("/v1"), "sk-one", "sk-two"),
            Gateway.provider("claude", WireFormat.ANTHROPIC, fake.url("/v1"), "sk-ant-one", "sk-ant-two"),
            Gateway.provider("gemini", WireFormat.GEMINI, fake.url("/v1beta"), "AIza-one", "AIza-two"));

    @AfterEach
    void stop() {
        gateway.close();
        fake.close();
    }

    @Test
    void case01_openAiHappyUsage_deliversHelloOnceWithFinishStopAndUsage8_2_10() {
        fake.on("sk-one", Script.sse().write(OPENAI_ROLE).write(openAiText("Hello")).write(openAiText("!"))
                .write(OPENAI_FINISH).write(OPENAI_USAGE).write(DONE));

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.deltas()).containsExactly("Hello", "!");
        assertThat(seen.result().finishReason()).isEqualTo("stop");
        assertThat(seen.result().usage()).isEqualTo(new Usage(8, 2, 10, false));
        assertThat(gateway.trail()).containsExactly("openai#1:ok");
    }

    @Test
    void case01_openAiHappyUsage_roleOnlyChunkIsNotFirstContent() {
        fake.on("sk-one", Script.sse().write(OPENAI_ROLE).stall());
        fake.on("sk-two", Script.sse().write(OPENAI_HAPPY));

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.route().key()).isEqualTo("openai#2");
        assertThat(seen.text()).isEqualTo("Hello!");
        assertThat(gateway.trail()).containsExactly("openai#1:timeout", "openai#2:ok");
    }

    @Test
    void case20_groqUsageInXGroq_usageComesFromTheFinishChunksXGroq() {
        fake.on("sk-one", Script.sse().write(GROQ_FIRST).write(GROQ_TEXT).write(GROQ_FINAL).write(DONE));

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.deltas()).containsExactly("Hi there");
        assertThat(seen.result().usage()).isEqualTo(new Usage(244, 15, 259, false));
        assertThat(gateway.trail()).containsExactly("openai#1:ok");
    }

    /** {@code \r\n\r\n} is commonly reported but unverified [U]; case 33 plays the same stream with {@code \n\n}. */
    @Test
    void case26_geminiCrlfNoDone_completesAtEndOfBodyWithUsageFromTheLastChunkOnly() {
        fake.on("AIza-one", Script.sse().write(GEMINI_CHUNK_1 + "\r\n\r\n").write(GEMINI_CHUNK_2 + "\r\n\r\n")
                .write(GEMINI_CHUNK_3 + "\r\n\r\n"));

        Seen seen = Seen.of(gateway.stream("gemini"));

        assertThat(seen.text()).isEqualTo(GEMINI_TEXT);
        assertThat(seen.result().finishReason()).isEqualTo("stop");
        // 10 + 10 + 59 would be the sum of every chunk's totalTokenCount
        assertThat(seen.result().usage()).isEqualTo(new Usage(10, 49, 59, false));
        assertThat(gateway.trail()).containsExactly("gemini#1:ok");
    }

    @Test
    void case26_geminiCrlfNoDone_requestIsNativeGeminiWithTheKeyInAHeaderOnly() {
        fake.on("AIza-one", Script.sse().write(geminiStream("\r\n\r\n")));

        Seen.of(gateway.stream("gemini"));

        Recorded request = fake.requestsWith("AIza-one").get(0);
        assertThat(request.uri()).isEqualTo("/v1beta/models/gemini-model:streamGenerateContent?alt=sse");
        assertThat(request.header("x-goog-api-key")).isEqualTo("AIza-one");
        assertThat(request.header("authorization")).isNull();
        JsonNode body = JsonMapper.builder().build().readTree(request.body());
        assertThat(body.path("systemInstruction").path("parts").get(0).path("text").asString()).isEqualTo("You are terse.");
        assertThat(body.path("contents").get(0).path("role").asString()).isEqualTo("user");
        assertThat(body.path("generationConfig").path("maxOutputTokens").asInt()).isEqualTo(64);
        assertThat(body.has("stream")).isFalse();
        assertThat(body.has("stream_options")).isFalse();
    }

    @Test
    void case27_doneMissingAfterFinish_isACompleteAnswer() {
        fake.on("sk-one", Script.sse().write(OPENAI_ROLE).write(openAiText("Hello")).write(OPENAI_FINISH)
                .write(OPENAI_USAGE));

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.error()).isNull();
        assertThat(seen.text()).isEqualTo("Hello");
        assertThat(seen.result().usage()).isEqualTo(new Usage(8, 2, 10, false));
        assertThat(gateway.trail()).containsExactly("openai#1:ok");
    }

    @Test
    void case30_usageOnlyInLastChunk_isRecordedFromThatChunk() {
        fake.on("sk-one", Script.sse().write(OPENAI_HAPPY));

        Seen.of(gateway.stream("openai"));

        assertThat(gateway.run().usage()).isEqualTo(new Usage(8, 2, 10, false));
    }

    @Test
    void case30_usageOnlyInLastChunk_missingUsageChunkIsLoggedAsEstimatedNotZero() {
        fake.on("sk-one", Script.sse().write(OPENAI_ROLE).write(openAiText("Hello")).write(OPENAI_FINISH));

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.text()).isEqualTo("Hello");
        Usage usage = gateway.run().usage();
        assertThat(usage.estimated()).isTrue();
        assertThat(usage.promptTokens()).isPositive();
        assertThat(usage.completionTokens()).isPositive();
    }

    @Test
    void case31_jsonErrorOn200Stream_isAnErrorThatFallsBackNotAnEmptyStream() {
        fake.on("sk-one", Script.json(200, "{\"error\":{\"message\":\"The server had an error while processing your"
                + " request. Sorry about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}"));
        fake.on("sk-two", Script.sse().write(OPENAI_HAPPY));

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.route().key()).isEqualTo("openai#2");
        assertThat(seen.text()).isEqualTo("Hello!");
        assertThat(gateway.trail()).containsExactly("openai#1:server_error", "openai#2:ok");
    }

    @Test
    void case31_jsonErrorOn200Stream_aWholeJsonCompletionIsDeliveredAsTheAnswer() {
        fake.on("sk-one", Script.json(200, "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion\","
                + "\"created\":1741569952,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":"
                + "{\"role\":\"assistant\",\"content\":\"Hello!\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":3,\"total_tokens\":22}}"));

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.text()).isEqualTo("Hello!");
        assertThat(seen.result().usage()).isEqualTo(new Usage(19, 3, 22, false));
        assertThat(gateway.trail()).containsExactly("openai#1:ok");
    }

    /**
     * A blocked prompt in a stream is unverified [U] (seen for non-streamed answers); the conservative
     * reading is the non-streamed one: a normal empty answer, not an error that would try another key.
     */
    @Test
    void case32_geminiPromptBlocked_finishesWithContentFilterWithoutFallbackOrKeyPenalty() {
        fake.on("AIza-one", Script.sse().write(GEMINI_BLOCKED));
        fake.on("AIza-two", Script.sse().write(geminiStream("\r\n\r\n")));

        Seen seen = Seen.of(gateway.stream("gemini"));

        assertThat(seen.error()).isNull();
        assertThat(seen.route().key()).isEqualTo("gemini#1");
        assertThat(seen.text()).isEmpty();
        assertThat(seen.result().finishReason()).isEqualTo("content_filter");
        assertThat(gateway.trail()).containsExactly("gemini#1:ok");
        assertThat(fake.requestsWith("AIza-two")).isEmpty();
    }

    @Test
    void case33_unknownFieldsAndEvents_openAiObfuscationAndOpenRouterFieldsAreIgnored() {
        String obfuscated = openAiText("Hello").replace("\"usage\":null}", "\"usage\":null,\"service_tier\":\"default\","
                + "\"obfuscation\":\"x7Ka9\"}");
        String openRouterFinish = "data: {\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":"
                + "\"z-ai/glm-5.3\",\"provider\":\"Z.AI\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"},"
                + "\"finish_reason\":\"stop\",\"native_finish_reason\":\"stop\"}]}\n\n";
        fake.on("sk-one", Script.sse().write(OPENAI_ROLE).write(obfuscated).write(openRouterFinish).write(DONE));

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.deltas()).containsExactly("Hello", "!");
        assertThat(seen.result().finishReason()).isEqualTo("stop");
    }

    @Test
    void case33_unknownFieldsAndEvents_anthropicUnknownEventIsIgnored() {
        String foo = "event: foo\ndata: {\"type\": \"foo\", \"surprise\": [1, 2, 3]}\n\n";
        fake.on("sk-ant-one", Script.sse().write(ANTHROPIC_MESSAGE_START).write(foo).write(ANTHROPIC_BLOCK_START)
                .write(anthropicText("Hello")).write(foo).write(anthropicText("!")).write(ANTHROPIC_BLOCK_STOP)
                .write(ANTHROPIC_MESSAGE_DELTA).write(ANTHROPIC_MESSAGE_STOP));

        Seen seen = Seen.of(gateway.stream("claude"));

        assertThat(seen.deltas()).containsExactly("Hello", "!");
        assertThat(seen.result().finishReason()).isEqualTo("stop");
        assertThat(seen.result().usage()).isEqualTo(new Usage(25, 15, 40, false));
    }

    @Test
    void case33_unknownFieldsAndEvents_geminiUnknownKeysAreIgnored() {
        String extra = GEMINI_CHUNK_3.replace("\"finishReason\": \"STOP\"", "\"finishReason\": \"STOP\",\"citationMetadata\":"
                + " {\"citations\": []},\"safetyRatings\": [{\"category\": \"X\",\"probability\": \"NEGLIGIBLE\"}]")
                .replace("\"modelVersion\"", "\"someFutureField\": {\"a\": 1},\"modelVersion\"");
        fake.on("AIza-one", Script.sse().write(GEMINI_CHUNK_1 + "\n\n").write(GEMINI_CHUNK_2 + "\n\n").write(extra + "\n\n"));

        Seen seen = Seen.of(gateway.stream("gemini"));

        assertThat(seen.text()).isEqualTo(GEMINI_TEXT);
        assertThat(seen.result().usage()).isEqualTo(new Usage(10, 49, 59, false));
    }
}
