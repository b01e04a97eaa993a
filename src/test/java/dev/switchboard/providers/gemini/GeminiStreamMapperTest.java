package dev.switchboard.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.sse.SseEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

class GeminiStreamMapperTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final GeminiStreamMapper mapper = new GeminiStreamMapper(JSON, new GeminiErrors(JSON),
            new ApiKey("gemini#1", "AIza-x", 100, 0, true));

    private List<ChatChunk> map(String data) {
        return mapper.map(new SseEvent("message", data));
    }

    @Test
    void chunksWithOnlyEmptyTextAreKeepAlives() {
        assertThat(map("{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"\"}],\"role\": \"model\"}}]}"))
                .containsExactly(ChatChunk.KeepAlive.INSTANCE);
    }

    @Test
    void thoughtsAreReasoningFunctionCallsAreToolCallsAndThoughtTokensAreOutput() {
        assertThat(map("{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Considering\", \"thought\": true}]}}]}"))
                .containsExactly(new ChatChunk.ReasoningDelta(0, "Considering"));
        assertThat(map("{\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"id\": \"c1\", \"name\": \"f\", "
                + "\"args\": {\"x\": 1}}}]},\"finishReason\": \"STOP\"}],\"usageMetadata\": {\"promptTokenCount\": 5,"
                + "\"candidatesTokenCount\": 3,\"thoughtsTokenCount\": 20,\"totalTokenCount\": 28}}"))
                .containsExactly(new ChatChunk.ToolCallDelta(0, 0, "c1", "f", "{\"x\":1}"),
                        new ChatChunk.Finish("tool_calls"));

        StepVerifier.create(mapper.endOfStream())
                .expectNext(new ChatChunk.UsageReport(new Usage(5, 23, 28, false, 0, 0, 20)))
                .expectComplete().verify(Duration.ofSeconds(5));
    }

    @Test
    void aFinalChunkWithOnlyAFinishReasonEndsTheStream() {
        map("{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hi\"}],\"role\": \"model\"}}]}");
        assertThat(map("{\"candidates\": [{\"finishReason\": \"MALFORMED_FUNCTION_CALL\"}]}"))
                .containsExactly(new ChatChunk.Finish("stop"));

        StepVerifier.create(mapper.endOfStream()).expectComplete().verify(Duration.ofSeconds(5));
    }

    @Test
    void aStreamWithoutAnyFinishReasonIsTruncated() {
        map("{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hi\"}],\"role\": \"model\"}}],"
                + "\"usageMetadata\": {\"promptTokenCount\": 5,\"totalTokenCount\": 5}}");

        StepVerifier.create(mapper.endOfStream())
                .expectErrorSatisfies(e -> assertThat(((UpstreamException) e).errorClass()).isEqualTo(ErrorClass.NETWORK))
                .verify(Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @CsvSource({"STOP, stop", "MAX_TOKENS, length", "SAFETY, content_filter", "RECITATION, content_filter",
        "BLOCKLIST, content_filter", "PROHIBITED_CONTENT, content_filter", "SPII, content_filter",
        "IMAGE_SAFETY, content_filter", "LANGUAGE, stop", "OTHER, stop", "FINISH_REASON_UNSPECIFIED, stop"})
    void finishReasonsMapToOpenAisVocabulary(String finishReason, String expected) {
        assertThat(GeminiAnswers.finishReason(finishReason, false)).isEqualTo(expected);
    }
}
