package dev.switchboard.conformance;

import static dev.switchboard.testsupport.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.Choice;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.Usage;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.testsupport.FakeUpstream;
import dev.switchboard.testsupport.FakeUpstream.Script;
import dev.switchboard.testsupport.Gateway;
import dev.switchboard.testsupport.Options;
import dev.switchboard.testsupport.Streamed;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reasoning part of the answer row, wire to canonical, whole and streamed: OpenAI's
 * {@code reasoning_content} (and OpenRouter's {@code reasoning}) with
 * {@code completion_tokens_details.reasoning_tokens}; Anthropic's {@code thinking} blocks and
 * {@code thinking_delta}s (Anthropic reports no separate thinking token count: its output tokens include them);
 * Gemini's {@code thought} parts with {@code thoughtsTokenCount}, which count as completion tokens. The requests
 * (effort as budgets) are in {@link ParameterConformanceTest}.
 */
class ReasoningConformanceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String THINKING = "Paris is in France. 21 degrees.";

    private final FakeUpstream fake = FakeUpstream.start();
    private final Gateway gateway = new Gateway(Gateway.UNHURRIED,
            Gateway.provider("openai", WireFormat.OPENAI, fake.url("/v1"), "sk-oa"),
            Gateway.provider("claude", WireFormat.ANTHROPIC, fake.url("/v1"), "sk-ant"),
            Gateway.provider("gemini", WireFormat.GEMINI, fake.url("/v1beta"), "AIza-g"));

    @AfterEach
    void stop() {
        gateway.close();
        fake.close();
    }

    @Test
    void streamsOpenAiReasoningContentAndCountsReasoningTokens() {
        fake.on("sk-oa", Script.sse().write(OPENAI_ROLE)
                .write(openAiChunk("{\"reasoning_content\":\"Paris is in France. \"}"))
                .write(openAiChunk("{\"reasoning_content\":\"21 degrees.\"}"))
                .write(openAiChunk("{\"content\":\"It is 21 °C.\"}"))
                .write(OPENAI_FINISH)
                .write(usageChunk("{\"prompt_tokens\":20,\"completion_tokens\":30,\"total_tokens\":50,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":0},"
                        + "\"completion_tokens_details\":{\"reasoning_tokens\":12}}"))
                .write(DONE));

        Streamed seen = Streamed.of(gateway.stream(think("openai")));

        assertThat(seen.reasoning()).containsExactly("Paris is in France. ", "21 degrees.");
        assertThat(seen.text()).isEqualTo("It is 21 °C.");
        assertThat(seen.result().usage()).isEqualTo(new Usage(20, 30, 50, false, 0, 0, 12));
    }

    @Test
    void streamsOpenRouterReasoningAsReasoning() {
        fake.on("sk-oa", Script.sse().write(openAiChunk("{\"role\":\"assistant\",\"content\":\"\","
                + "\"reasoning\":\"Paris is in France. \"}"))
                .write(openAiChunk("{\"content\":\"It is 21 °C.\",\"reasoning\":null}"))
                .write(OPENAI_FINISH).write(DONE));

        Streamed seen = Streamed.of(gateway.stream(think("openai")));

        assertThat(seen.reasoning()).containsExactly("Paris is in France. ");
        assertThat(seen.text()).isEqualTo("It is 21 °C.");
    }

    @Test
    void openAiAnswerCarriesReasoningContentAndReasoningTokens() {
        fake.on("sk-oa", Script.json(200, "{\"id\":\"chatcmpl-r1\",\"object\":\"chat.completion\","
                + "\"created\":1741569952,\"model\":\"deepseek-reasoner\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"It is 21 °C.\","
                + "\"reasoning_content\":\"" + THINKING + "\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":30,\"total_tokens\":50,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":4},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":12}}}"));

        ChatResult result = gateway.complete(think("openai")).block(TIMEOUT);

        assertThat(result.choices()).containsExactly(new Choice(0, "It is 21 °C.", List.of(), THINKING, null, "stop"));
        assertThat(result.usage()).isEqualTo(new Usage(20, 30, 50, false, 4, 0, 12));
    }

    @Test
    void streamsAnthropicThinkingDeltasAsReasoning() {
        fake.on("sk-ant", Script.sse().write(ANTHROPIC_MESSAGE_START)
                .write(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}"))
                .write(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Paris is in France. \"}}"))
                .write(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"21 degrees.\"}}"))
                .write(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"signature_delta\","
                        + "\"signature\":\"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds\"}}"))
                .write(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"))
                .write(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,"
                        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"))
                .write(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,"
                        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"It is 21 °C.\"}}"))
                .write(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"))
                .write(event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":60}}"))
                .write(ANTHROPIC_MESSAGE_STOP));

        Streamed seen = Streamed.of(gateway.stream(think("claude")));

        assertThat(seen.reasoning()).containsExactly("Paris is in France. ", "21 degrees.");
        assertThat(seen.text()).isEqualTo("It is 21 °C.");
        assertThat(seen.result().finishReason()).isEqualTo("stop");
        assertThat(seen.result().usage()).as("no separate thinking count from Anthropic")
                .isEqualTo(new Usage(25, 60, 85, false, 0, 0, 0));
    }

    @Test
    void anthropicAnswerCarriesItsThinkingBlockAsReasoning() {
        fake.on("sk-ant", Script.json(200, "{\"id\":\"msg_01Think\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"thinking\","
                + "\"thinking\":\"" + THINKING + "\","
                + "\"signature\":\"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds\"},{\"type\":\"text\","
                + "\"text\":\"It is 21 °C.\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,"
                + "\"output_tokens\":60}}"));

        ChatResult result = gateway.complete(think("claude")).block(TIMEOUT);

        assertThat(result.choices()).containsExactly(new Choice(0, "It is 21 °C.", List.of(), THINKING, null, "stop"));
        assertThat(result.usage()).isEqualTo(new Usage(25, 60, 85, false, 0, 0, 0));
    }

    @Test
    void streamsGeminiThoughtPartsAsReasoningAndCountsThoughtTokensAsCompletion() {
        fake.on("AIza-g", Script.sse()
                .write("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Paris is in France. \","
                        + "\"thought\": true}],\"role\": \"model\"},\"index\": 0}],"
                        + "\"usageMetadata\": {\"promptTokenCount\": 10,\"totalTokenCount\": 10}}\r\n\r\n")
                .write("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"21 degrees.\","
                        + "\"thought\": true},{\"text\": \"It is 21 °C.\"}],\"role\": \"model\"},\"index\": 0}],"
                        + "\"usageMetadata\": {\"promptTokenCount\": 10,\"totalTokenCount\": 10}}\r\n\r\n")
                .write("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" Sunny.\"}],"
                        + "\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],"
                        + "\"usageMetadata\": {\"promptTokenCount\": 10,\"candidatesTokenCount\": 8,"
                        + "\"thoughtsTokenCount\": 30,\"totalTokenCount\": 48}}\r\n\r\n"));

        Streamed seen = Streamed.of(gateway.stream(think("gemini")));

        assertThat(seen.reasoning()).containsExactly("Paris is in France. ", "21 degrees.");
        assertThat(seen.deltas()).containsExactly("It is 21 °C.", " Sunny.");
        assertThat(seen.result().usage()).isEqualTo(new Usage(10, 38, 48, false, 0, 0, 30));
    }

    @Test
    void geminiAnswerCarriesThoughtPartsAsReasoning() {
        fake.on("AIza-g", Script.json(200, "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": "
                + "\"Paris is in France. \",\"thought\": true},{\"text\": \"21 degrees.\",\"thought\": true},"
                + "{\"text\": \"It is 21 °C.\",\"thoughtSignature\": \"CiQB0e2Kb3dRh\"}],\"role\": \"model\"},"
                + "\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 10,"
                + "\"candidatesTokenCount\": 8,\"thoughtsTokenCount\": 30,\"cachedContentTokenCount\": 4,"
                + "\"totalTokenCount\": 48}}"));

        ChatResult result = gateway.complete(think("gemini")).block(TIMEOUT);

        assertThat(result.choices()).containsExactly(new Choice(0, "It is 21 °C.", List.of(), THINKING, null, "stop"));
        assertThat(result.usage()).isEqualTo(new Usage(10, 38, 48, false, 4, 0, 30));
    }

    private static ChatCommand think(String provider) {
        return ChatCommand.builder("reasoning-" + provider, Surface.OPENAI,
                List.of(new ChatMessage("user", "Weather in Paris?"))).provider(provider)
                .options(Options.reasoningEffort("low")).build();
    }

    private static String openAiChunk(String delta) {
        return "data: {\"id\":\"chatcmpl-r1\",\"object\":\"chat.completion.chunk\",\"created\":1727889370,"
                + "\"model\":\"o4-mini\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,"
                + "\"finish_reason\":null}],\"usage\":null}\n\n";
    }

    private static String usageChunk(String usage) {
        return "data: {\"id\":\"chatcmpl-r1\",\"object\":\"chat.completion.chunk\",\"created\":1727889370,"
                + "\"model\":\"o4-mini\",\"choices\":[],\"usage\":" + usage + "}\n\n";
    }

    private static String event(String type, String data) {
        return "event: " + type + "\ndata: " + data + "\n\n";
    }
}
