package dev.switchboard.conformance;

import static dev.switchboard.testsupport.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.ErrorAnswers;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ContentPart;
import dev.switchboard.chat.InvalidRequestException;
import dev.switchboard.chat.ResponseFormat;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.Tool;
import dev.switchboard.chat.ToolChoice;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.config.ModelProperties.Capability;
import dev.switchboard.providers.Provider;
import dev.switchboard.testsupport.FakeUpstream;
import dev.switchboard.testsupport.FakeUpstream.Script;
import dev.switchboard.testsupport.Gateway;
import dev.switchboard.testsupport.Options;
import dev.switchboard.testsupport.Streamed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a provider cannot honour is refused, never dropped: each refusal of the fidelity table and of
 * {@code models[].capabilities}. Path B answers 400 {@code unsupported_parameter} naming the parameter, before any
 * upstream call, sync and streamed; Path A skips the unfit provider and uses a fit one; Path A with no fit provider
 * is the same 400, naming what each provider lacks.
 */
class RefusalConformanceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Tool WEATHER = new Tool("get_weather", null,
            JSON.readTree("{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}}}"), null);
    private static final JsonNode LOGIT_BIAS = JSON.readTree("{\"50256\":-100}");
    private static final List<ChatMessage> ASK = List.of(new ChatMessage("user", "Weather in Paris?"));
    private static final ContentPart.Image REMOTE_IMAGE = new ContentPart.Image("https:"
            + "//example.org/images/cat.jpg", null);
    private static final ContentPart.Image INLINE_IMAGE = ContentPart.Image.inline("image/png",
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", null);

    private final FakeUpstream fake = FakeUpstream.start();
    private final Provider openAi = Gateway.provider("openai", WireFormat.OPENAI, fake.url("/v1"), "sk-oa");
    private final Provider claude = Gateway.provider("claude", WireFormat.ANTHROPIC, fake.url("/v1"), "sk-ant");
    private final Provider gemini = Gateway.provider("gemini", WireFormat.GEMINI, fake.url("/v1beta"), "AIza-g");
    /** An OpenAI-format provider whose model only does text. */
    private final Provider textOnly = Gateway.withCapabilities(
            Gateway.provider("plain", WireFormat.OPENAI, fake.url("/v1"), "sk-plain"));
    /** One whose model does JSON objects but no schemas. */
    private final Provider jsonObjectOnly = Gateway.withCapabilities(
            Gateway.provider("loose", WireFormat.OPENAI, fake.url("/v1"), "sk-loose"), Capability.JSON_OBJECT);
    private final List<Gateway> gateways = new ArrayList<>();

    @AfterEach
    void stop() {
        gateways.forEach(Gateway::close);
        fake.close();
    }

    // --- Path B: the format's own limits ------------------------------------------------------------------

    @Test
    void anthropicRefusesNSeedPenaltiesLogitBiasAndLogprobs() {
        Gateway gateway = gateway(claude);

        refused(gateway, named("claude", b -> b.options(Options.with().n(2).build())), "claude", "anthropic", "n");
        refused(gateway, named("claude", b -> b.options(Options.with().seed(42).build())), "claude", "anthropic",
                "seed");
        refused(gateway, named("claude", b -> b.options(Options.with().presencePenalty(0.5).build())), "claude",
                "anthropic", "presence_penalty");
        refused(gateway, named("claude", b -> b.options(Options.with().frequencyPenalty(0.5).build())), "claude",
                "anthropic", "frequency_penalty");
        refused(gateway, named("claude", b -> b.options(Options.with().logitBias(LOGIT_BIAS).build())), "claude",
                "anthropic", "logit_bias");
        refused(gateway, named("claude", b -> b.options(Options.with().logprobs(true).build())), "claude", "anthropic",
                "logprobs");
        refused(gateway, named("claude", b -> b.options(Options.with().topLogprobs(3).build())), "claude", "anthropic",
                "logprobs");
        assertThat(fake.requests()).isEmpty();
    }

    /** The JSON answer is a forced tool on Anthropic, so it cannot go with tools of the client's own. */
    @Test
    void anthropicRefusesAJsonResponseFormatTogetherWithTools() {
        Gateway gateway = gateway(claude);

        refused(gateway, named("claude", b -> b.tools(List.of(WEATHER)).responseFormat(ResponseFormat.JSON_OBJECT)),
                "claude", "anthropic", "response_format");
        assertThat(fake.requests()).isEmpty();
    }

    /** Extended thinking takes only temperature 1. */
    @Test
    void anthropicRefusesATemperatureOtherThanOneWithReasoning() {
        Gateway gateway = gateway(claude);

        refused(gateway, named("claude", b -> b.temperature(0.5).options(Options.reasoningEffort("low"))), "claude",
                "anthropic", "temperature");
        assertThat(fake.requests()).isEmpty();
    }

    /** Extended thinking takes top_p from 0.95 only, and no top_k; 0.95 itself goes through. */
    @Test
    void anthropicRefusesALowTopPAndTopKWithReasoning() {
        Gateway gateway = gateway(claude);
        fake.on("sk-ant", Script.json(200, ANTHROPIC_ANSWER));

        refused(gateway, named("claude", b -> b.options(Options.with().effort("low").topP(0.9).build())), "claude",
                "anthropic", "top_p");
        refused(gateway, named("claude", b -> b.options(Options.with().thinkingBudget(2048).topK(40).build())),
                "claude", "anthropic", "top_k");
        assertThat(fake.requests()).isEmpty();
        assertThat(gateway.complete(named("claude", b -> b.options(Options.with().effort("low").topP(0.95).build())))
                .block(TIMEOUT).content()).isEqualTo("Hello!");
    }

    /**
     * Extended thinking cannot go with forced tool use (Anthropic answers 400 to {@code tool_choice} any or tool
     * with thinking on), and the JSON answer is a forced tool: reasoning with a required or named tool, or with a
     * JSON format, is refused here rather than failing at Anthropic.
     */
    @Test
    void anthropicRefusesForcedToolUseAndJsonFormatsWithReasoning() {
        Gateway gateway = gateway(claude);

        refused(gateway, named("claude", b -> b.tools(List.of(WEATHER)).toolChoice(ToolChoice.REQUIRED)
                .options(Options.reasoningEffort("low"))), "claude", "anthropic", "tool_choice");
        refused(gateway, named("claude", b -> b.tools(List.of(WEATHER)).toolChoice(ToolChoice.named("get_weather"))
                .options(Options.with().thinkingBudget(2048).build())), "claude", "anthropic", "tool_choice");
        refused(gateway, named("claude", b -> b.responseFormat(ResponseFormat.JSON_OBJECT)
                .options(Options.reasoningEffort("medium"))), "claude", "anthropic", "response_format");
        assertThat(fake.requests()).isEmpty();
    }

    /** Tools the model may call (auto, none) go with reasoning. */
    @Test
    void anthropicTakesReasoningWithToolsItMayCall() {
        Gateway gateway = gateway(claude);
        fake.on("sk-ant", Script.json(200, ANTHROPIC_ANSWER));

        for (ToolChoice choice : new ToolChoice[] {null, ToolChoice.AUTO, ToolChoice.NONE}) {
            assertThat(gateway.complete(named("claude", b -> b.tools(List.of(WEATHER)).toolChoice(choice)
                    .options(Options.reasoningEffort("low")))).block(TIMEOUT).content()).isEqualTo("Hello!");
        }

        assertThat(fake.requestsWith("sk-ant")).extracting(r -> JSON.readTree(r.body()).path("thinking"))
                .containsOnly(JSON.readTree("{\"type\":\"enabled\",\"budget_tokens\":1024}"));
    }

    /**
     * Path A: a JSON answer with reasoning goes to a provider that can give both. Were it sent to Anthropic, its 400
     * (a bad request, which does not move on) would end the request although another provider could answer.
     */
    @Test
    void pathASkipsAnthropicForAJsonAnswerWithReasoning() {
        Gateway gateway = gateway(claude, openAi);
        fake.on("sk-oa", Script.json(200, OPENAI_ANSWER));
        // [U] the exact message; the type and status are Anthropic's for a request it cannot take
        fake.on("sk-ant", Script.json(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                + "\"message\":\"Thinking may not be enabled when tool_choice forces tool use.\"}}"));

        for (int i = 0; i < 2; i++) {
            assertThat(gateway.complete(anyProvider(b -> b.responseFormat(ResponseFormat.JSON_OBJECT)
                    .options(Options.reasoningEffort("low")))).block(TIMEOUT).route().provider()).isEqualTo("openai");
        }

        assertThat(fake.requestsWith("sk-ant")).isEmpty();
    }

    @Test
    void geminiRefusesLogitBiasLogprobsParallelToolCallsOffAndRemoteImages() {
        Gateway gateway = gateway(gemini);

        refused(gateway, named("gemini", b -> b.options(Options.with().logitBias(LOGIT_BIAS).build())), "gemini",
                "gemini", "logit_bias");
        refused(gateway, named("gemini", b -> b.options(Options.with().logprobs(true).build())), "gemini", "gemini",
                "logprobs");
        refused(gateway, named("gemini", b -> b.tools(List.of(WEATHER)).options(Options.parallelToolCalls(false))),
                "gemini", "gemini", "parallel_tool_calls");
        refused(gateway, ChatCommand.builder("refusal", Surface.OPENAI, looking(REMOTE_IMAGE)).provider("gemini")
                .build(), "gemini", "gemini", "image_url");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void openAiRefusesTopK() {
        Gateway gateway = gateway(openAi);

        refused(gateway, named("openai", b -> b.options(Options.with().topK(40).build())), "openai", "openai", "top_k");
        assertThat(fake.requests()).isEmpty();
    }

    // --- Path B: the model's configured capabilities ------------------------------------------------------

    @Test
    void aModelWithoutCapabilitiesRefusesToolsImagesReasoningAndJsonModes() {
        Gateway gateway = gateway(textOnly, jsonObjectOnly);

        refused(gateway, named("plain", b -> b.tools(List.of(WEATHER))), "plain", "openai", "tools");
        refused(gateway, ChatCommand.builder("refusal", Surface.OPENAI, looking(INLINE_IMAGE)).provider("plain")
                .build(), "plain", "openai", "image_url");
        refused(gateway, named("plain", b -> b.options(Options.reasoningEffort("high"))), "plain", "openai",
                "reasoning_effort");
        refused(gateway, named("plain", b -> b.options(Options.with().thinkingBudget(2048).build())), "plain", "openai",
                "reasoning_effort");
        refused(gateway, named("plain", b -> b.responseFormat(ResponseFormat.JSON_OBJECT)), "plain", "openai",
                "response_format");
        refused(gateway, named("loose", b -> b.responseFormat(ResponseFormat.schema("weather",
                JSON.readTree("{\"type\":\"object\"}"), null))), "loose", "openai", "response_format");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void aRefusalNamesEveryParameterTheModelCannotHonourAndTheFirstAsParam() {
        Gateway gateway = gateway(textOnly);
        ChatCommand command = ChatCommand.builder("refusal", Surface.OPENAI, looking(INLINE_IMAGE)).provider("plain")
                .tools(List.of(WEATHER)).build();

        StepVerifier.create(gateway.complete(command))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(InvalidRequestException.class);
                    assertThat(((InvalidRequestException) error).param()).isEqualTo("tools");
                    assertThat(error.getMessage()).isEqualTo("The provider 'plain' (openai format,"
                            + " model 'plain-model') cannot honour 'tools',"
                            + " 'image_url'; see the README's fidelity table.");
                })
                .verify(TIMEOUT);
        assertThat(fake.requests()).isEmpty();
    }

    // --- Path A -------------------------------------------------------------------------------------------

    @Test
    void pathASkipsAProviderThatCannotHonourAParameterAndUsesAFitOne() {
        Gateway gateway = gateway(claude, openAi);
        fake.on("sk-oa", Script.sse().write(OPENAI_HAPPY));

        for (int i = 0; i < 4; i++) {
            Streamed seen = Streamed.of(gateway.stream(anyProvider(b -> b.options(Options.with().seed(42).build()))));
            assertThat(seen.route().provider()).isEqualTo("openai");
            assertThat(seen.text()).isEqualTo("Hello!");
        }

        assertThat(gateway.trail()).containsExactly("openai#1:ok", "openai#1:ok", "openai#1:ok", "openai#1:ok");
        assertThat(fake.requestsWith("sk-ant")).isEmpty();
        assertThat(fake.requestsWith("sk-oa")).extracting(r -> JSON.readTree(r.body()).path("seed").asLong())
                .containsOnly(42L);
    }

    @Test
    void pathASkipsGeminiForARemoteImageAndAModelWithoutVisionForAnyImage() {
        Gateway gateway = gateway(gemini, openAi, textOnly);
        fake.on("sk-oa", Script.json(200, OPENAI_ANSWER));

        for (int i = 0; i < 3; i++) {
            assertThat(gateway.complete(ChatCommand.builder("refusal", Surface.OPENAI, looking(REMOTE_IMAGE)).build())
                    .block(TIMEOUT).route().provider()).isEqualTo("openai");
        }

        assertThat(fake.requestsWith("AIza-g")).isEmpty();
        assertThat(fake.requestsWith("sk-plain")).isEmpty();
        assertThat(fake.requestsWith("sk-oa")).hasSize(3);
    }

    @Test
    void pathASkipsAModelWithoutToolsForAToolRequest() {
        Gateway gateway = gateway(textOnly, claude);
        fake.on("sk-ant", Script.json(200, ANTHROPIC_ANSWER));

        for (int i = 0; i < 2; i++) {
            assertThat(gateway.complete(anyProvider(b -> b.tools(List.of(WEATHER)))).block(TIMEOUT).route().provider())
                    .isEqualTo("claude");
        }

        assertThat(fake.requestsWith("sk-plain")).isEmpty();
        JsonNode tools = JSON.readTree(fake.requestsWith("sk-ant").get(0).body()).path("tools");
        assertThat(tools.get(0).path("name").asString()).isEqualTo("get_weather");
    }

    @Test
    void pathAWithNoFitProviderIsA400NamingWhatEachLacks() {
        Gateway gateway = gateway(claude, gemini);
        ChatCommand command = anyProvider(b -> b.options(Options.with().logitBias(LOGIT_BIAS)
                .build()));

        for (boolean streamed : new boolean[] {false, true}) {
            StepVerifier.create(streamed ? gateway.stream(command) : gateway.complete(command))
                    .expectErrorSatisfies(error -> {
                        assertThat(error).isInstanceOf(InvalidRequestException.class);
                        InvalidRequestException invalid = (InvalidRequestException) error;
                        assertThat(invalid.code()).isEqualTo("unsupported_parameter");
                        assertThat(invalid.param()).isEqualTo("logit_bias");
                        assertThat(invalid.getMessage()).isIn(
                                "No provider can serve this request: claude cannot honour 'logit_bias'; "
                                        + "gemini cannot honour 'logit_bias'. See the README's fidelity table.",
                                "No provider can serve this request: gemini cannot honour 'logit_bias'; "
                                        + "claude cannot honour 'logit_bias'. See the README's fidelity table.");
                        ErrorAnswers.Answer answer = ErrorAnswers.of(error, "req-1");
                        assertThat(answer.status()).isEqualTo(400);
                        assertThat(answer.type()).isEqualTo("invalid_request_error");
                        assertThat(answer.code()).isEqualTo("unsupported_parameter");
                        assertThat(answer.param()).isEqualTo("logit_bias");
                    })
                    .verify(TIMEOUT);
        }
        assertThat(fake.requests()).isEmpty();
    }

    // --- helpers ------------------------------------------------------------------------------------------

    private Gateway gateway(Provider... providers) {
        Gateway gateway = new Gateway(Gateway.UNHURRIED, providers);
        gateways.add(gateway);
        return gateway;
    }

    private static ChatCommand named(String provider, UnaryOperator<ChatCommand.Builder> with) {
        return with.apply(ChatCommand.builder("refusal", Surface.OPENAI, ASK).provider(provider)).build();
    }

    private static ChatCommand anyProvider(UnaryOperator<ChatCommand.Builder> with) {
        return with.apply(ChatCommand.builder("refusal", Surface.OPENAI, ASK)).build();
    }

    private static List<ChatMessage> looking(ContentPart.Image image) {
        return List.of(new ChatMessage("user", List.of(new ContentPart.Text("What is this?"), image), List.of(), null,
                null));
    }

    /** Refused with 400 unsupported_parameter naming {@code param}, whole and streamed. */
    private static void refused(Gateway gateway, ChatCommand command, String provider, String format, String param) {
        for (boolean streamed : new boolean[] {false, true}) {
            StepVerifier.create(streamed ? gateway.stream(command) : gateway.complete(command))
                    .expectErrorSatisfies(error -> {
                        assertThat(error).isInstanceOf(InvalidRequestException.class);
                        InvalidRequestException invalid = (InvalidRequestException) error;
                        assertThat(invalid.code()).isEqualTo("unsupported_parameter");
                        assertThat(invalid.param()).isEqualTo(param);
                        assertThat(invalid.getMessage()).isEqualTo("The provider '" + provider + "' (" + format
                                + " format, model '" + provider + "-model') cannot honour '" + param
                                + "'; see the README's fidelity table.");
                        ErrorAnswers.Answer answer = ErrorAnswers.of(error, "req-1");
                        assertThat(answer.status()).isEqualTo(400);
                        assertThat(answer.code()).isEqualTo("unsupported_parameter");
                        assertThat(answer.param()).isEqualTo(param);
                    })
                    .verify(TIMEOUT);
        }
    }
}
