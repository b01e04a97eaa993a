package dev.switchboard.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.sse.SseEvent;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

class AnthropicStreamMapperTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AnthropicStreamMapper mapper = new AnthropicStreamMapper(JSON, new AnthropicErrors(JSON),
            new ApiKey("claude#1", "sk-ant-x", 100, 0, true), false, false);

    private List<ChatChunk> map(String event, String data) {
        SseEvent sse = new SseEvent(event, data);
        mapper.isDone(sse);
        return mapper.map(sse);
    }

    @Test
    void cachedInputCountsAsPromptAndTheLaterInputTokenCountWins() {
        assertThat(map("message_start", "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":10,"
                + "\"cache_creation_input_tokens\":5,\"cache_read_input_tokens\":100,\"output_tokens\":1}}}"))
                .containsExactly(ChatChunk.KeepAlive.INSTANCE);
        assertThat(map("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                + "\"usage\":{\"output_tokens\":7}}"))
                .containsExactly(new ChatChunk.Finish("stop"),
                        new ChatChunk.UsageReport(Usage.reported(115, 7).withDetails(100, 5, 0)));
        assertThat(map("message_delta", "{\"type\":\"message_delta\",\"delta\":{},"
                + "\"usage\":{\"input_tokens\":12,\"output_tokens\":9}}"))
                .containsExactly(new ChatChunk.UsageReport(Usage.reported(12, 9).withDetails(100, 5, 0)));
    }

    @Test
    void thinkingIsReasoningAndToolInputDeltasAreFragmentsOfTheirToolCall() {
        assertThat(map("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                + "{\"type\":\"thinking_delta\",\"thinking\":\"Let me see\"}}"))
                .containsExactly(new ChatChunk.ReasoningDelta(0, "Let me see"));
        assertThat(map("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}}"))
                .containsExactly(new ChatChunk.ToolCallDelta(0, 0, "toolu_1", "get_weather", ""));
        assertThat(map("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
                + "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\"\"}}"))
                .containsExactly(new ChatChunk.ToolCallDelta(0, 0, null, null, "{\"a\""));
    }

    @Test
    void eventsWithoutAnEventLineAreReadFromTheirType() {
        assertThat(map("message", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
                + "\"text\":\"hi\"}}")).containsExactly(new ChatChunk.Delta("hi"));
        assertThatThrownBy(() -> map("message", "{\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                + "\"message\":\"boom\"}}")).isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.errorClass()).isEqualTo(ErrorClass.SERVER_ERROR));
    }

    @Test
    void theStreamIsCompleteOnlyAfterMessageStop() {
        map("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}");
        assertThatThrownBy(mapper::endOfStream).isInstanceOfSatisfying(UpstreamException.class,
                e -> assertThat(e.errorClass()).isEqualTo(ErrorClass.NETWORK));

        map("message", "{\"type\":\"message_stop\"}");
        assertThat(mapper.endOfStream()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"end_turn, stop", "stop_sequence, stop", "pause_turn, stop", "max_tokens, length",
        "model_context_window_exceeded, length", "tool_use, tool_calls", "refusal, content_filter", "something_new, stop"})
    void stopReasonsMapToOpenAisFinishReasons(String stopReason, String finishReason) {
        assertThat(AnthropicAnswers.stopReason(stopReason)).isEqualTo(finishReason);
    }
}
