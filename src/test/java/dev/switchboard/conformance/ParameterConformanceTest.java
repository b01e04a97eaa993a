package dev.switchboard.conformance;

import static dev.switchboard.testsupport.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.Choice;
import dev.switchboard.chat.GenerationOptions;
import dev.switchboard.chat.Surface;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The parameter row of the fidelity table, canonical request to wire: every parameter under its name in each
 * format ({@code stop} as {@code stop_sequences}/{@code stopSequences}, {@code user} as
 * {@code metadata.user_id}, {@code n} as {@code candidateCount}...), the reasoning effort as Anthropic's and
 * Gemini's thinking budgets, and several answers ({@code n}, {@code candidateCount}) back as choices. What a
 * format refuses is in {@link RefusalConformanceTest}.
 */
class ParameterConformanceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

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
    void openAiRequestCarriesEveryParameterUnderItsOwnName() {
        fake.on("sk-oa", Script.json(200, OPENAI_ANSWER));

        complete(ask("openai", Options.with().stop("END", "STOP").topP(0.9).seed(42).n(2).presencePenalty(0.5)
                .frequencyPenalty(0.25).logitBias(JSON.readTree("{\"50256\":-100}")).logprobs(true).topLogprobs(3)
                .user("user-1234").effort("high").build()));

        assertThat(bodies("sk-oa")).containsExactly(tree("{\"model\":\"openai-model\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Say hello.\"}],\"max_tokens\":200,\"temperature\":0.5,\"stop\":[\"END\",\"STOP\"],"
                + "\"top_p\":0.9,\"seed\":42,\"n\":2,\"presence_penalty\":0.5,\"frequency_penalty\":0.25,"
                + "\"logit_bias\":{\"50256\":-100},\"logprobs\":true,\"top_logprobs\":3,\"user\":\"user-1234\","
                + "\"reasoning_effort\":\"high\"}"));
    }

    /** An Anthropic-format client's thinking budget, as OpenAI's effort: up to 2,048 low, up to 8,192 medium. */
    @Test
    void openAiRequestGetsAThinkingBudgetAsReasoningEffort() {
        fake.on("sk-oa", Script.json(200, OPENAI_ANSWER));

        for (int budget : new int[] {1024, 2048, 4096, 8192, 16384}) {
            complete(ask("openai", Options.with().thinkingBudget(budget).build()));
        }

        assertThat(bodies("sk-oa")).extracting(b -> b.path("reasoning_effort").asString())
                .containsExactly("low", "low", "medium", "medium", "high");
    }

    @Test
    void anthropicRequestCarriesStopSequencesTopPAndMetadataUserId() {
        fake.on("sk-ant", Script.json(200, ANTHROPIC_ANSWER));

        complete(ask("claude", Options.with().stop("END", "STOP").topP(0.9).user("user-1234").build()));

        assertThat(bodies("sk-ant")).containsExactly(tree("{\"model\":\"claude-model\",\"max_tokens\":200,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}],\"temperature\":0.5,"
                + "\"stop_sequences\":[\"END\",\"STOP\"],\"top_p\":0.9,\"metadata\":{\"user_id\":\"user-1234\"}}"));
    }

    /** low 1,024, medium 4,096, high 16,384 thinking tokens; {@code max_tokens} grows to leave 1,024 for the answer. */
    @Test
    void anthropicRequestGetsReasoningEffortAsAThinkingBudget() {
        fake.on("sk-ant", Script.json(200, ANTHROPIC_ANSWER));

        for (String effort : new String[] {"low", "medium", "high"}) {
            complete(ChatCommand.builder("effort", Surface.OPENAI, List.of(new ChatMessage("user", "Say hello.")))
                    .provider("claude").maxTokens(200).options(Options.reasoningEffort(effort)).build());
        }

        String base = "{\"model\":\"claude-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}],";
        assertThat(bodies("sk-ant")).containsExactly(
                tree(base + "\"max_tokens\":2048,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}}"),
                tree(base + "\"max_tokens\":5120,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":4096}}"),
                tree(base + "\"max_tokens\":17408,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":16384}}"));
    }

    /** Gemini has no end-user id: {@code user} (advisory, for abuse monitoring) is left out, not refused. */
    @Test
    void geminiRequestCarriesEveryParameterInGenerationConfig() {
        fake.on("AIza-g", Script.json(200, GEMINI_ANSWER));

        complete(ask("gemini", Options.with().stop("END", "STOP").topP(0.9).seed(42).n(2).presencePenalty(0.5)
                .frequencyPenalty(0.25).user("user-1234").build()));

        assertThat(bodies("AIza-g")).containsExactly(tree("{\"contents\":[{\"role\":\"user\","
                + "\"parts\":[{\"text\":\"Say hello.\"}]}],\"generationConfig\":{\"temperature\":0.5,"
                + "\"maxOutputTokens\":200,\"topP\":0.9,\"stopSequences\":[\"END\",\"STOP\"],\"seed\":42,"
                + "\"candidateCount\":2,\"presencePenalty\":0.5,\"frequencyPenalty\":0.25}}"));
    }

    /** low 1,024, medium 8,192, high 24,576 thinking tokens, thoughts included in the answer. */
    @Test
    void geminiRequestGetsReasoningEffortAsAThinkingConfig() {
        fake.on("AIza-g", Script.json(200, GEMINI_ANSWER));

        for (String effort : new String[] {"low", "medium", "high"}) {
            complete(ChatCommand.builder("effort", Surface.OPENAI, List.of(new ChatMessage("user", "Say hello.")))
                    .provider("gemini").options(Options.reasoningEffort(effort)).build());
        }

        String base = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Say hello.\"}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":64,\"thinkingConfig\":{\"includeThoughts\":true,"
                + "\"thinkingBudget\":";
        assertThat(bodies("AIza-g")).containsExactly(tree(base + "1024}}}"), tree(base + "8192}}}"),
                tree(base + "24576}}}"));
    }

    /** A streamed request differs from the whole one only in how it asks to stream. */
    @Test
    void streamedRequestsCarryTheSameParametersAsWholeOnes() {
        fake.on("sk-oa", Script.json(200, OPENAI_ANSWER));
        fake.on("sk-ant", Script.json(200, ANTHROPIC_ANSWER));
        fake.on("AIza-g", Script.json(200, GEMINI_ANSWER));
        GenerationOptions openAi = Options.with().stop("END").topP(0.9).seed(42).presencePenalty(0.5).user("u-1")
                .effort("low").build();
        GenerationOptions anthropic = Options.with().stop("END").topP(0.9).user("u-1").build();
        GenerationOptions gemini = Options.with().stop("END").topP(0.9).seed(42).presencePenalty(0.5).effort("low")
                .build();
        complete(ask("openai", openAi));
        complete(ask("claude", anthropic));
        complete(ask("gemini", gemini));
        fake.on("sk-oa", Script.sse().write(OPENAI_HAPPY));
        fake.on("sk-ant", Script.sse().write(ANTHROPIC_HAPPY));
        fake.on("AIza-g", Script.sse().write(geminiStream("\r\n\r\n")));

        assertThat(Streamed.of(gateway.stream(ask("openai", openAi))).text()).isEqualTo("Hello!");
        assertThat(Streamed.of(gateway.stream(ask("claude", anthropic))).text()).isEqualTo("Hello!");
        assertThat(Streamed.of(gateway.stream(ask("gemini", gemini))).text()).isEqualTo(GEMINI_TEXT);

        List<JsonNode> openAiBodies = bodies("sk-oa");
        ObjectNode streamedOpenAi = (ObjectNode) openAiBodies.get(1);
        assertThat(streamedOpenAi.remove("stream")).isEqualTo(tree("true"));
        assertThat(streamedOpenAi.remove("stream_options")).isEqualTo(tree("{\"include_usage\":true}"));
        assertThat(streamedOpenAi).isEqualTo(openAiBodies.get(0));
        List<JsonNode> anthropicBodies = bodies("sk-ant");
        ObjectNode streamedAnthropic = (ObjectNode) anthropicBodies.get(1);
        assertThat(streamedAnthropic.remove("stream")).isEqualTo(tree("true"));
        assertThat(streamedAnthropic).isEqualTo(anthropicBodies.get(0));
        List<JsonNode> geminiBodies = bodies("AIza-g");
        assertThat(geminiBodies.get(1)).isEqualTo(geminiBodies.get(0));
        assertThat(fake.requestsWith("AIza-g")).extracting(r -> r.uri()).containsExactly(
                "/v1beta/models/gemini-model:generateContent",
                "/v1beta/models/gemini-model:streamGenerateContent?alt=sse");
    }

    @Test
    void openAiAnswerWithSeveralChoicesGivesEveryChoice() {
        fake.on("sk-oa", Script.json(200, "{\"id\":\"chatcmpl-n2\",\"object\":\"chat.completion\","
                + "\"created\":1741569952,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"Hello!\"},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\"},{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":\"Hi there,"
                + " friend\"},\"logprobs\":null,\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":19,"
                + "\"completion_tokens\":9,\"total_tokens\":28}}"));

        ChatResult result = complete(ask("openai", Options.with().n(2).build()));

        assertThat(result.choices()).containsExactly(new Choice(0, "Hello!", List.of(), null, null, "stop"),
                new Choice(1, "Hi there, friend", List.of(), null, null, "length"));
    }

    @Test
    void geminiCandidatesComeBackAsChoicesWholeAndStreamed() {
        fake.on("AIza-g", Script.json(200, "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hello!\"}],"
                + "\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0},"
                + "{\"content\": {\"parts\": [{\"text\": \"Hi there\"}],\"role\": \"model\"},"
                + "\"finishReason\": \"MAX_TOKENS\",\"index\": 1}],\"usageMetadata\": {\"promptTokenCount\": 8,"
                + "\"candidatesTokenCount\": 6,\"totalTokenCount\": 14}}"));
        ChatResult whole = complete(ask("gemini", Options.with().n(2).build()));
        fake.on("AIza-g", Script.sse().write("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hello"
                + "\"}],\"role\": \"model\"},\"index\": 0},{\"content\": {\"parts\": [{\"text\": \"Hi\"}],"
                + "\"role\": \"model\"},\"index\": 1}],\"usageMetadata\": {\"promptTokenCount\": 8,"
                + "\"totalTokenCount\": 8}}\r\n\r\n")
                .write("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"!\"}],\"role\": \"model\"},"
                        + "\"finishReason\": \"STOP\",\"index\": 0},{\"content\": {\"parts\": [{\"text\": \" there\"}],"
                        + "\"role\": \"model\"},\"finishReason\": \"MAX_TOKENS\",\"index\": 1}],"
                        + "\"usageMetadata\": {\"promptTokenCount\": 8,\"candidatesTokenCount\": 6,"
                        + "\"totalTokenCount\": 14}}\r\n\r\n"));

        Streamed streamed = Streamed.of(gateway.stream(ask("gemini", Options.with().n(2).build())));

        assertThat(whole.choices()).containsExactly(new Choice(0, "Hello!", List.of(), null, null, "stop"),
                new Choice(1, "Hi there", List.of(), null, null, "length"));
        assertThat(streamed.text(0)).isEqualTo("Hello!");
        assertThat(streamed.text(1)).isEqualTo("Hi there");
        assertThat(streamed.result().choices()).extracting(Choice::index, Choice::finishReason)
                .containsExactly(tuple(0, "stop"),
                        tuple(1, "length"));
    }

    private static ChatCommand ask(String provider, GenerationOptions options) {
        return ChatCommand.builder("params-" + provider, Surface.OPENAI, List.of(new ChatMessage("user", "Say hello.")))
                .provider(provider).maxTokens(200).temperature(0.5).options(options).build();
    }

    private ChatResult complete(ChatCommand command) {
        return gateway.complete(command).block(TIMEOUT);
    }

    private List<JsonNode> bodies(String key) {
        return fake.requestsWith(key).stream().map(r -> JSON.readTree(r.body())).toList();
    }

    private static JsonNode tree(String json) {
        return JSON.readTree(json);
    }
}
