package dev.switchboard.sdk;

import static dev.switchboard.sdk.SdkFixtures.API_KEY;
import static dev.switchboard.sdk.SdkFixtures.EXPECTED_ARGUMENTS;
import static dev.switchboard.sdk.SdkFixtures.GEMINI_FORMAT;
import static dev.switchboard.sdk.SdkFixtures.IMAGE_ANSWER_START;
import static dev.switchboard.sdk.SdkFixtures.PNG_DATA_URL;
import static dev.switchboard.sdk.SdkFixtures.QUESTION;
import static dev.switchboard.sdk.SdkFixtures.TIMEOUT;
import static dev.switchboard.sdk.SdkFixtures.TOOL_DESCRIPTION;
import static dev.switchboard.sdk.SdkFixtures.TOOL_NAME;
import static dev.switchboard.sdk.SdkFixtures.TOOL_PROPERTIES;
import static dev.switchboard.sdk.SdkFixtures.TOOL_REQUIRED;
import static dev.switchboard.sdk.SdkFixtures.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.SseException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ReasoningEffort;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.StructuredChatCompletion;
import com.openai.models.chat.completions.StructuredChatCompletionCreateParams;
import dev.switchboard.testsupport.GatewayIT;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The official OpenAI Java SDK, unchanged, against {@code /v1/chat/completions}: function calling
 * (whole and streamed, accumulated by the SDK's own {@link ChatCompletionAccumulator}), structured
 * output from a Java class, an image part and a whole tool conversation; over an OpenAI-format
 * provider (relayed) and over Anthropic- and Gemini-format providers (mapped).
 */
@GatewayIT
class OpenAiSdkIT {

    @LocalServerPort
    int port;

    OpenAIClient client;

    @BeforeEach
    void connect() {
        client = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1")
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

    /** What the structured-output test asks for; the SDK derives a strict JSON schema from it. */
    public static class Forecast {
        public String city;
        public int days;
        public boolean metric;
    }

    private static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder()
                        .name(TOOL_NAME)
                        .description(TOOL_DESCRIPTION)
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(TOOL_PROPERTIES))
                                .putAdditionalProperty("required", JsonValue.from(TOOL_REQUIRED))
                                .build())
                        .build())
                .build();
    }

    private static ChatCompletionCreateParams.Builder askWithTool(String model) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage(QUESTION)
                .addTool(weatherTool());
    }

    /** "Our code": the tool, answering a JSON object about the city it was asked for. */
    private static String runWeatherTool(String arguments) {
        JsonNode args = tree(arguments);
        return "{\"city\":\"" + args.path("city").asString() + "\",\"forecast\":\"sunny\",\"celsius\":24}";
    }

    private static ChatCompletionMessageFunctionToolCall onlyFunctionCall(ChatCompletionMessage message) {
        List<ChatCompletionMessageToolCall> calls = message.toolCalls().orElseThrow();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).isFunction()).isTrue();
        return calls.get(0).asFunction();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.OPENAI_FORMAT, SdkFixtures.ANTHROPIC_FORMAT, GEMINI_FORMAT})
    void callsTheOfferedFunctionWithArgumentsBuiltFromItsSchema(String model) {
        HttpResponseFor<ChatCompletion> response = client.chat().completions().withRawResponse()
                .create(askWithTool(model).build());
        ChatCompletion completion = response.parse();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().values("x-switchboard-provider")).containsExactly(model.split("/")[0]);

        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content()).isEmpty();
        ChatCompletionMessageFunctionToolCall call = onlyFunctionCall(choice.message());
        assertThat(call.id()).isNotBlank();
        assertThat(call.function().name()).isEqualTo(TOOL_NAME);
        assertThat(tree(call.function().arguments())).isEqualTo(tree(EXPECTED_ARGUMENTS));
        assertThat(completion.usage().orElseThrow().totalTokens()).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.OPENAI_FORMAT, SdkFixtures.ANTHROPIC_FORMAT, GEMINI_FORMAT})
    void streamedToolCallFragmentsAccumulateIntoOneCall(String model) {
        ChatCompletionCreateParams params = askWithTool(model)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        List<String> fragments = new ArrayList<>();

        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                accumulator.accumulate(chunk);
                chunk.choices().forEach(c -> c.delta().toolCalls().ifPresent(calls -> calls.forEach(call -> {
                    assertThat(call.index()).isZero();
                    call.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments)
                            .filter(a -> !a.isEmpty()).ifPresent(fragments::add);
                })));
            });
        }

        ChatCompletion completion = accumulator.chatCompletion();
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = onlyFunctionCall(choice.message());
        assertThat(call.id()).isNotBlank();
        assertThat(call.function().name()).isEqualTo(TOOL_NAME);
        assertThat(tree(call.function().arguments())).isEqualTo(tree(EXPECTED_ARGUMENTS));
        assertThat(String.join("", fragments)).isEqualTo(call.function().arguments());
        if (!model.equals(GEMINI_FORMAT)) {
            // OpenAI and Anthropic stream arguments in pieces (the simulator: 7 characters); Gemini sends them whole
            assertThat(fragments).hasSizeGreaterThan(1);
        }
        assertThat(completion.usage().orElseThrow().completionTokens()).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.OPENAI_FORMAT, SdkFixtures.ANTHROPIC_FORMAT, GEMINI_FORMAT})
    void toolConversationEndsWithAnAnswerQuotingTheToolResult(String model) {
        ChatCompletionMessage assistant = client.chat().completions().create(askWithTool(model).build())
                .choices().get(0).message();
        ChatCompletionMessageFunctionToolCall call = onlyFunctionCall(assistant);
        String result = runWeatherTool(call.function().arguments());

        ChatCompletion answer = client.chat().completions().create(askWithTool(model)
                .addMessage(assistant)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content(result).build())
                .build());

        ChatCompletion.Choice choice = answer.choices().get(0);
        assertThat(result).isEqualTo("{\"city\":\"Paris\",\"forecast\":\"sunny\",\"celsius\":24}");
        assertThat(choice.message().content()).contains("The tool " + TOOL_NAME + " returned: " + result);
        assertThat(choice.message().toolCalls().orElse(List.of())).isEmpty();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.OPENAI_FORMAT, SdkFixtures.ANTHROPIC_FORMAT, GEMINI_FORMAT})
    void structuredOutputParsesIntoTheRequestedClass(String model) {
        StructuredChatCompletionCreateParams<Forecast> params = ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage("Give me the forecast for Lyon")
                .responseFormat(Forecast.class)
                .build();

        StructuredChatCompletion<Forecast> completion = client.chat().completions().create(params);

        Forecast forecast = completion.choices().get(0).message().content().orElseThrow();
        assertThat(forecast.city).isEqualTo("Lyon");
        assertThat(forecast.days).isEqualTo(1);
        assertThat(forecast.metric).isTrue();
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    }

    @Test
    void jsonSchemaResponseFormatAnswersOneObjectOfThatSchema() {
        Map<String, Object> schema = Map.of(
                "type", "object",
                "properties", Map.of(
                        "title", Map.of("type", "string"),
                        "pages", Map.of("type", "integer"),
                        "tags", Map.of("type", "array", "items", Map.of("type", "string"))),
                "required", List.of("title", "pages", "tags"),
                "additionalProperties", false);
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(SdkFixtures.OPENAI_FORMAT)
                .addUserMessage("Describe a book about Switchboard")
                .responseFormat(com.openai.models.ResponseFormatJsonSchema.builder()
                        .jsonSchema(com.openai.models.ResponseFormatJsonSchema.JsonSchema.builder()
                                .name("book")
                                .strict(true)
                                .schema(com.openai.models.ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                        .putAllAdditionalProperties(Map.of(
                                                "type", JsonValue.from(schema.get("type")),
                                                "properties", JsonValue.from(schema.get("properties")),
                                                "required", JsonValue.from(schema.get("required")),
                                                "additionalProperties", JsonValue.from(false)))
                                        .build())
                                .build())
                        .build())
                .build();

        String content = client.chat().completions().create(params).choices().get(0).message().content().orElseThrow();

        assertThat(tree(content)).isEqualTo(tree("{\"title\":\"Switchboard\",\"pages\":1,\"tags\":[]}"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.OPENAI_FORMAT, SdkFixtures.ANTHROPIC_FORMAT, GEMINI_FORMAT})
    void imagePartAsDataUrlReachesTheModel(String model) {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder()
                                .text("Describe this picture").build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url(PNG_DATA_URL).build())
                                .build())))
                .build();

        ChatCompletion completion = client.chat().completions().create(params);

        assertThat(completion.choices().get(0).message().content().orElseThrow())
                .startsWith(IMAGE_ANSWER_START + "Simulated answer to \u201cDescribe this picture\u201d:");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.OPENAI_FORMAT, SdkFixtures.ANTHROPIC_FORMAT, GEMINI_FORMAT})
    void reasoningEffortBringsBackReasoningAndCountsItsTokens(String model) {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage("Hello there")
                .reasoningEffort(ReasoningEffort.LOW)
                .build();

        ChatCompletion completion = client.chat().completions().create(params);

        ChatCompletionMessage message = completion.choices().get(0).message();
        assertThat(message.content().orElseThrow()).startsWith("Simulated answer to \u201cHello there\u201d:");
        // not in the SDK's typed model: the de-facto reasoning_content field, kept as an additional property
        assertThat(message._additionalProperties().get("reasoning_content"))
                .isEqualTo(JsonValue.from("Thinking about: Hello there"));
        if (!model.equals(SdkFixtures.ANTHROPIC_FORMAT)) {
            // OpenAI (reasoning_tokens) and Gemini (thoughtsTokenCount) count reasoning apart; the simulated
            // Anthropic usage does not (it only has output_tokens), so there is nothing to pass on
            assertThat(completion.usage().orElseThrow().completionTokensDetails().orElseThrow().reasoningTokens())
                    .hasValueSatisfying(tokens -> assertThat(tokens).isPositive());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"midfail/mf-1", "claudemid/cm-1", "geminimid/gm-1"})
    void streamThatBreaksAfterItsFirstChunkSurfacesAsAnSseException(String model) {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage("Hello there")
                .build();
        List<String> deltas = new ArrayList<>();

        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
                stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(deltas::add)));
            }
        }).isInstanceOfSatisfying(SseException.class, e -> assertThat(e.getMessage()).isNotBlank());
        assertThat(String.join("", deltas)).startsWith("Simulated answer");
    }

    @Test
    void plainTextOverPathAStreamsIntoTheSameAnswerAsTheWholeCall() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("auto")
                .addUserMessage("Hello there")
                .build();

        String whole = client.chat().completions().create(params).choices().get(0).message().content().orElseThrow();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }

        assertThat(whole).startsWith("Simulated answer to \u201cHello there\u201d:");
        assertThat(accumulator.chatCompletion().choices().get(0).message().content()).contains(whole);
    }

    @Test
    void invalidParameterIsABadRequestExceptionCarryingTheGatewaysError() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(SdkFixtures.OPENAI_FORMAT)
                .addUserMessage("Hello there")
                .temperature(3.0)
                .build();

        assertThatThrownBy(() -> client.chat().completions().create(params))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.type()).contains("invalid_request_error");
                    assertThat(e.code()).contains("invalid_temperature");
                    assertThat(e.getMessage()).contains("'temperature' must be between 0 and 2.");
                });
    }

    @Test
    void everyCandidateFailingIsAServerErrorOfTheSdk() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("allfail/af-1")
                .addUserMessage("Hello there")
                .build();

        assertThatThrownBy(() -> client.chat().completions().create(params))
                .isInstanceOfSatisfying(InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(503);
                    assertThat(e.headers().values("X-Request-Id")).singleElement().asString().isNotBlank();
                });
    }
}
