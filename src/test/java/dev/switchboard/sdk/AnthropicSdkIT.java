package dev.switchboard.sdk;

import static dev.switchboard.sdk.SdkFixtures.API_KEY;
import static dev.switchboard.sdk.SdkFixtures.EXPECTED_ARGUMENTS;
import static dev.switchboard.sdk.SdkFixtures.GEMINI_FORMAT;
import static dev.switchboard.sdk.SdkFixtures.IMAGE_ANSWER_START;
import static dev.switchboard.sdk.SdkFixtures.PNG_BASE64;
import static dev.switchboard.sdk.SdkFixtures.QUESTION;
import static dev.switchboard.sdk.SdkFixtures.TIMEOUT;
import static dev.switchboard.sdk.SdkFixtures.TOOL_DESCRIPTION;
import static dev.switchboard.sdk.SdkFixtures.TOOL_NAME;
import static dev.switchboard.sdk.SdkFixtures.TOOL_PROPERTIES;
import static dev.switchboard.sdk.SdkFixtures.TOOL_REQUIRED;
import static dev.switchboard.sdk.SdkFixtures.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.errors.AnthropicException;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.ServiceUnavailableException;
import com.anthropic.models.ErrorType;
import com.anthropic.core.ObjectMappers;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Base64ImageSource;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawContentBlockDelta;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlock;
import com.anthropic.models.messages.ThinkingBlock;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import dev.switchboard.testsupport.GatewayIT;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The official Anthropic Java SDK, unchanged, against {@code /v1/messages}: text, streaming accumulated
 * by the SDK's own {@link MessageAccumulator}, an image block, and tools (a {@code tool_use} block whose
 * input matches the schema, then a {@code tool_result} turn and the final answer); over the
 * Anthropic-format provider (relayed) and over OpenAI- and Gemini-format providers (mapped).
 */
@GatewayIT
class AnthropicSdkIT {

    /** A model the gateway does not know, as an Anthropic client sends by default: Path A. */
    static final String UNKNOWN_CLAUDE_MODEL = "claude-sonnet-4-5";

    @LocalServerPort
    int port;

    AnthropicClient client;

    @BeforeEach
    void connect() {
        client = AnthropicOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + port)
                .apiKey(API_KEY)
                .timeout(TIMEOUT)
                .maxRetries(0)
                // every answer is checked against the SDK's typed model at once: a missing or mistyped field fails
                .responseValidation(true)
                .build();
    }

    @AfterEach
    void close() {
        client.close();
    }

    private static Tool weatherTool() {
        Tool.InputSchema.Properties.Builder properties = Tool.InputSchema.Properties.builder();
        TOOL_PROPERTIES.forEach((name, schema) -> properties.putAdditionalProperty(name, JsonValue.from(schema)));
        return Tool.builder()
                .name(TOOL_NAME)
                .description(TOOL_DESCRIPTION)
                .inputSchema(Tool.InputSchema.builder().properties(properties.build()).required(TOOL_REQUIRED).build())
                .build();
    }

    private static MessageCreateParams.Builder ask(String model, String text) {
        return MessageCreateParams.builder().model(model).maxTokens(1024).addUserMessage(text);
    }

    private static MessageCreateParams.Builder askWithTool(String model) {
        return ask(model, QUESTION).addTool(weatherTool());
    }

    private static String text(Message message) {
        return message.content().stream().filter(ContentBlock::isText).map(ContentBlock::asText).map(TextBlock::text)
                .collect(Collectors.joining());
    }

    private static ToolUseBlock onlyToolUse(Message message) {
        List<ToolUseBlock> uses = message.content().stream().filter(ContentBlock::isToolUse).map(ContentBlock::asToolUse)
                .toList();
        assertThat(uses).hasSize(1);
        return uses.get(0);
    }

    private static JsonNode input(ToolUseBlock use) throws Exception {
        return tree(ObjectMappers.jsonMapper().writeValueAsString(use._input()));
    }

    /** "Our code": the tool, answering a JSON object about the city it was asked for. */
    private static String runWeatherTool(JsonNode input) {
        return "{\"city\":\"" + input.path("city").asString() + "\",\"forecast\":\"sunny\",\"celsius\":24}";
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {UNKNOWN_CLAUDE_MODEL, SdkFixtures.ANTHROPIC_FORMAT, SdkFixtures.OPENAI_FORMAT, GEMINI_FORMAT})
    void answersText(String model) {
        HttpResponseFor<Message> response = client.messages().withRawResponse().create(ask(model, "Hello there").build());
        Message message = response.parse();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().values("x-switchboard-path"))
                .containsExactly(model.equals(UNKNOWN_CLAUDE_MODEL) ? "default" : "model");
        assertThat(response.headers().values("x-switchboard-provider")).singleElement().isIn(
                model.equals(UNKNOWN_CLAUDE_MODEL) ? List.of("alpha", "beta") : List.of(model.split("/")[0]));
        assertThat(message.id()).isNotBlank();
        assertThat(text(message)).startsWith("Simulated answer to \u201cHello there\u201d:");
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().inputTokens()).isPositive();
        assertThat(message.usage().outputTokens()).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {UNKNOWN_CLAUDE_MODEL, SdkFixtures.ANTHROPIC_FORMAT, SdkFixtures.OPENAI_FORMAT, GEMINI_FORMAT})
    void streamAccumulatesIntoTheSameAnswer(String model) {
        String whole = text(client.messages().create(ask(model, "Hello there").build()));
        MessageAccumulator accumulator = MessageAccumulator.create();
        List<String> deltas = new ArrayList<>();

        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(ask(model, "Hello there").build())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                event.contentBlockDelta().map(d -> d.delta()).filter(RawContentBlockDelta::isText)
                        .ifPresent(d -> deltas.add(d.asText().text()));
            });
        }

        Message message = accumulator.message();
        assertThat(text(message)).isEqualTo(whole).startsWith("Simulated answer to \u201cHello there\u201d:");
        assertThat(String.join("", deltas)).isEqualTo(whole);
        assertThat(deltas).hasSizeGreaterThan(1);
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().inputTokens()).isPositive();
        assertThat(message.usage().outputTokens()).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.ANTHROPIC_FORMAT, SdkFixtures.OPENAI_FORMAT, GEMINI_FORMAT})
    void toolUseBlockHasInputMatchingTheSchema(String model) throws Exception {
        Message message = client.messages().create(askWithTool(model).build());

        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = onlyToolUse(message);
        assertThat(use.id()).isNotBlank();
        assertThat(use.name()).isEqualTo(TOOL_NAME);
        assertThat(input(use)).isEqualTo(tree(EXPECTED_ARGUMENTS));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.ANTHROPIC_FORMAT, SdkFixtures.OPENAI_FORMAT, GEMINI_FORMAT})
    void streamedToolUseAccumulatesIntoTheSameInput(String model) throws Exception {
        MessageAccumulator accumulator = MessageAccumulator.create();
        List<String> fragments = new ArrayList<>();

        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(askWithTool(model).build())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                event.contentBlockDelta().map(d -> d.delta()).filter(RawContentBlockDelta::isInputJson)
                        .ifPresent(d -> fragments.add(d.asInputJson().partialJson()));
            });
        }

        Message message = accumulator.message();
        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = onlyToolUse(message);
        assertThat(use.id()).isNotBlank();
        assertThat(use.name()).isEqualTo(TOOL_NAME);
        assertThat(input(use)).isEqualTo(tree(EXPECTED_ARGUMENTS));
        assertThat(tree(String.join("", fragments))).isEqualTo(tree(EXPECTED_ARGUMENTS));
        if (!model.equals(GEMINI_FORMAT)) {
            // OpenAI and Anthropic stream arguments in pieces (the simulator: 7 characters); Gemini sends them whole
            assertThat(fragments).hasSizeGreaterThan(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.ANTHROPIC_FORMAT, SdkFixtures.OPENAI_FORMAT, GEMINI_FORMAT})
    void toolResultTurnLeadsToAnAnswerQuotingIt(String model) throws Exception {
        Message call = client.messages().create(askWithTool(model).build());
        ToolUseBlock use = onlyToolUse(call);
        String result = runWeatherTool(input(use));

        Message answer = client.messages().create(askWithTool(model)
                .addMessage(call)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(use.id()).content(result).build())))
                .build());

        assertThat(result).isEqualTo("{\"city\":\"Paris\",\"forecast\":\"sunny\",\"celsius\":24}");
        assertThat(answer.content()).noneMatch(ContentBlock::isToolUse);
        assertThat(text(answer)).isEqualTo("The tool " + TOOL_NAME + " returned: " + result);
        assertThat(answer.stopReason()).contains(StopReason.END_TURN);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.ANTHROPIC_FORMAT, SdkFixtures.OPENAI_FORMAT, GEMINI_FORMAT})
    void imageBlockReachesTheModel(String model) {
        Message message = client.messages().create(MessageCreateParams.builder()
                .model(model)
                .maxTokens(1024)
                .addUserMessageOfContentBlockParams(List.of(
                        ContentBlockParam.ofText("Describe this picture"),
                        ContentBlockParam.ofImage(Base64ImageSource.builder()
                                .data(PNG_BASE64)
                                .mediaType(Base64ImageSource.MediaType.IMAGE_PNG)
                                .build())))
                .build());

        assertThat(text(message)).startsWith(IMAGE_ANSWER_START + "Simulated answer to \u201cDescribe this picture\u201d:");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.ANTHROPIC_FORMAT, SdkFixtures.OPENAI_FORMAT, GEMINI_FORMAT})
    void extendedThinkingComesBackAsAThinkingBlockBeforeTheText(String model) {
        Message message = client.messages().create(ask(model, "Hello there").maxTokens(4096).enabledThinking(1024).build());

        assertThat(message.content()).hasSize(2);
        assertThat(message.content().get(0).isThinking()).isTrue();
        ThinkingBlock thinking = message.content().get(0).asThinking();
        assertThat(thinking.thinking()).isEqualTo("Thinking about: Hello there");
        assertThat(thinking.signature()).isNotNull();
        assertThat(message.content().get(1).isText()).isTrue();
        assertThat(text(message)).startsWith("Simulated answer to \u201cHello there\u201d:");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.ANTHROPIC_FORMAT, SdkFixtures.OPENAI_FORMAT, GEMINI_FORMAT})
    void streamedThinkingAccumulatesIntoAThinkingBlockBeforeTheText(String model) {
        MessageAccumulator accumulator = MessageAccumulator.create();

        try (StreamResponse<RawMessageStreamEvent> stream = client.messages()
                .createStreaming(ask(model, "Hello there").maxTokens(4096).enabledThinking(1024).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }

        Message message = accumulator.message();
        assertThat(message.content()).hasSize(2);
        assertThat(message.content().get(0).isThinking()).isTrue();
        ThinkingBlock thinking = message.content().get(0).asThinking();
        assertThat(thinking.thinking()).isEqualTo("Thinking about: Hello there");
        assertThat(thinking.signature()).isNotNull();
        assertThat(text(message)).startsWith("Simulated answer to \u201cHello there\u201d:");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"claudemid/cm-1", "midfail/mf-1", "geminimid/gm-1"})
    void streamThatBreaksAfterItsFirstChunkSurfacesAsAnSdkError(String model) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        List<String> deltas = new ArrayList<>();

        assertThatThrownBy(() -> {
            try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(ask(model, "Hello there").build())) {
                stream.stream().forEach(event -> {
                    accumulator.accumulate(event);
                    event.contentBlockDelta().map(d -> d.delta()).filter(RawContentBlockDelta::isText)
                            .ifPresent(d -> deltas.add(d.asText().text()));
                });
            }
        }).isInstanceOf(AnthropicException.class);
        assertThat(String.join("", deltas)).startsWith("Simulated answer");
    }

    @Test
    void toolChoiceNamingTheToolIsHonouredThroughAMappedProvider() throws Exception {
        Tool other = Tool.builder()
                .name("get_time")
                .description("The local time in a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(Tool.InputSchema.Properties.builder()
                                .putAdditionalProperty("zone", JsonValue.from(Map.of("type", "string")))
                                .build())
                        .required(List.of("zone"))
                        .build())
                .build();

        Message message = client.messages().create(ask(SdkFixtures.OPENAI_FORMAT, QUESTION)
                .addTool(other)
                .addTool(weatherTool())
                .toolChoice(com.anthropic.models.messages.ToolChoiceTool.builder().name(TOOL_NAME).build())
                .build());

        ToolUseBlock use = onlyToolUse(message);
        assertThat(use.name()).isEqualTo(TOOL_NAME);
        assertThat(input(use)).isEqualTo(tree(EXPECTED_ARGUMENTS));
    }

    @Test
    void invalidParameterIsABadRequestExceptionInAnthropicsErrorShape() {
        MessageCreateParams params = ask(SdkFixtures.ANTHROPIC_FORMAT, "Hello there")
                // this SDK version has no typed temperature any more; the Messages API still takes it
                .putAdditionalBodyProperty("temperature", JsonValue.from(3.0))
                .build();

        assertThatThrownBy(() -> client.messages().create(params))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.type()).contains(ErrorType.INVALID_REQUEST_ERROR);
                    assertThat(e.apiMessage()).hasValueSatisfying(m -> assertThat(m).contains("temperature"));
                });
    }

    @Test
    void everyCandidateFailingIsAServiceUnavailableException() {
        MessageCreateParams params = ask("allfail/af-1", "Hello there").build();

        assertThatThrownBy(() -> client.messages().create(params))
                .isInstanceOfSatisfying(ServiceUnavailableException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(503);
                    assertThat(e.type()).contains(ErrorType.OVERLOADED_ERROR);
                });
    }

    @Test
    void errorsCarryTheRequestIdWhereTheSdkReadsIt() {
        MessageCreateParams params = ask("allfail/af-1", "Hello there").build();

        assertThatThrownBy(() -> client.messages().create(params))
                .isInstanceOfSatisfying(AnthropicServiceException.class, e -> {
                    String gatewayId = e.headers().values("X-Request-Id").get(0);
                    assertThat(e.body().toString()).contains(gatewayId);
                    // Anthropic's SDKs read the request id from the request-id header, as Anthropic sends it
                    assertThat(e.requestId()).contains(gatewayId);
                });
    }
}
