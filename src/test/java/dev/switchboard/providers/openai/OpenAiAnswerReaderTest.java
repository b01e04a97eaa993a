package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/** The hand-written reader gives exactly the records Jackson's binding gives, for every shape an answer takes. */
class OpenAiAnswerReaderTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @ParameterizedTest
    @ValueSource(strings = {
        // a plain answer with every usage detail and fields the reader skips
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"system_fingerprint\":\"fp\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello\",\"annotations\":[],"
                + "\"refusal\":null},\"logprobs\":{\"content\":[{\"token\":\"H\",\"logprob\":-0.1,\"bytes\":[72]}]},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":4,\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":1,\"accepted_prediction_tokens\":0}},\"service_tier\":\"default\"}",
        // tool calls, null content, two choices out of order
        "{\"choices\":[{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
                + "\"finish_reason\":\"tool_calls\"},{\"index\":0,\"message\":{\"content\":\"x\"},\"finish_reason\":\"length\"}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}",
        // refusal, reasoning in both spellings, details null, a numeric string and a number where a string goes
        "{\"choices\":[{\"message\":{\"content\":\"\",\"refusal\":\"No.\",\"reasoning\":\"r\",\"reasoning_content\":\"rc\"},"
                + "\"finish_reason\":null,\"index\":\"0\"}],\"usage\":{\"prompt_tokens\":\"3\",\"completion_tokens\":2.0,"
                + "\"prompt_tokens_details\":null,\"completion_tokens_details\":null}}",
        // an error in a 200, no choices
        "{\"error\":{\"message\":\"Rate limit\",\"type\":\"rate_limit_error\",\"code\":429,\"metadata\":{\"raw\":[1,{\"a\":null}]}}}",
        // choices and usage null, a message null
        "{\"choices\":null,\"usage\":null}",
        "{\"choices\":[{\"index\":0,\"message\":null,\"finish_reason\":\"stop\"}]}",
        "{}"
    })
    void readsWhatJacksonBindingReads(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

        assertThat(OpenAiAnswerReader.read(json, bytes)).isEqualTo(json.readValue(bytes, OpenAiWire.Response.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // OpenAI's role chunk, a text chunk with logprobs, the finish chunk and the usage-only chunk
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],"
                + "\"usage\":null}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\\u00e9lo\\n\"},\"logprobs\":{\"content\":[{\"token\":\"H\"}]},"
                + "\"finish_reason\":null}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"system_fingerprint\":\"fp\"}",
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":4},\"completion_tokens_details\":{\"reasoning_tokens\":1}}}",
        // tool-call fragments: the first with id and name, later ones with arguments only
        "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"{\\\"ci\"}}]}}]}",
        // reasoning in both spellings, a refusal, a second choice
        "{\"choices\":[{\"index\":1,\"delta\":{\"reasoning\":\"r\",\"reasoning_content\":\"rc\",\"refusal\":\"No.\"}}]}",
        // Groq's usage and error in x_groq, an error object, errors and deltas null
        "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"x_groq\":{\"id\":\"req_1\","
                + "\"usage\":{\"queue_time\":0.1,\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}}",
        "{\"x_groq\":{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}}",
        "{\"error\":{\"message\":\"Rate limit\",\"code\":429}}",
        "{\"error\":null,\"x_groq\":null,\"choices\":[{\"delta\":null,\"index\":0}]}",
        "{}"
    })
    void readsAStreamChunkAsJacksonBindingReadsIt(String data) {
        assertThat(OpenAiAnswerReader.readChunk(json, utf8(data))).isEqualTo(json.readValue(data, OpenAiWire.Chunk.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"x\"", "{\"choices\":[{\"delta\":[1]}]}", "{\"x_groq\":[]}",
        "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":\"first\"}]}}]}"})
    void aChunkOfAnyOtherShapeIsMalformed(String data) {
        assertThatThrownBy(() -> OpenAiAnswerReader.readChunk(json, utf8(data)))
                .isInstanceOf(UpstreamException.class)
                .satisfies(e -> assertThat(((UpstreamException) e).errorClass()).isEqualTo(ErrorClass.SERVER_ERROR));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "", "{\"choices\":{}}", "{\"choices\":[{\"message\":[\"x\"]}]}",
        "{\"choices\":[{\"message\":{\"content\":{\"a\":1}}}]}", "{\"usage\":{\"prompt_tokens\":\"many\"}}"})
    void anyOtherShapeIsAMalformedAnswer(String body) {
        assertThatThrownBy(() -> OpenAiAnswerReader.read(json, body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UpstreamException.class)
                .satisfies(e -> assertThat(((UpstreamException) e).errorClass()).isEqualTo(ErrorClass.SERVER_ERROR));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
