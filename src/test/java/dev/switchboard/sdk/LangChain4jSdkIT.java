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
import static dev.switchboard.sdk.SdkFixtures.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.switchboard.testsupport.GatewayIT;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * LangChain4j's {@link OpenAiChatModel} and {@link OpenAiStreamingChatModel}, unchanged, against
 * {@code /v1}: a {@link ToolSpecification} called whole and streamed, a JSON-schema response format,
 * an image {@link UserMessage} and a tool conversation closed by a {@link ToolExecutionResultMessage};
 * over an OpenAI-format provider (relayed) and over Anthropic- and Gemini-format providers (mapped).
 */
@GatewayIT
class LangChain4jSdkIT {

    @LocalServerPort
    int port;

    private OpenAiChatModel chatModel(String model) {
        return OpenAiChatModel.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey(API_KEY)
                .modelName(model)
                .timeout(TIMEOUT)
                .maxRetries(0)
                .build();
    }

    private OpenAiStreamingChatModel streamingModel(String model) {
        return OpenAiStreamingChatModel.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey(API_KEY)
                .modelName(model)
                .timeout(TIMEOUT)
                .build();
    }

    private static ToolSpecification weatherTool() {
        return ToolSpecification.builder()
                .name(TOOL_NAME)
                .description(TOOL_DESCRIPTION)
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("city", "the city")
                        .addIntegerProperty("days", "how many days ahead")
                        .addBooleanProperty("metric", "Celsius rather than Fahrenheit")
                        .required("city", "days", "metric")
                        .build())
                .build();
    }

    private static ChatRequest askWithTool() {
        return ChatRequest.builder().messages(UserMessage.from(QUESTION)).toolSpecifications(weatherTool()).build();
    }

    /** "Our code": the tool, answering a JSON object about the city it was asked for. */
    private static String runWeatherTool(String arguments) {
        JsonNode args = tree(arguments);
        return "{\"city\":\"" + args.path("city").asString() + "\",\"forecast\":\"sunny\",\"celsius\":24}";
    }

    private static ToolExecutionRequest onlyToolRequest(AiMessage message) {
        assertThat(message.toolExecutionRequests()).hasSize(1);
        return message.toolExecutionRequests().get(0);
    }

    /** A streamed chat, waited for at most {@link SdkFixtures#TIMEOUT}. */
    private static final class Collector implements StreamingChatResponseHandler {
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        final List<String> text = new CopyOnWriteArrayList<>();
        final List<PartialToolCall> partialToolCalls = new CopyOnWriteArrayList<>();
        final List<CompleteToolCall> completeToolCalls = new CopyOnWriteArrayList<>();

        @Override
        public void onPartialResponse(String partialResponse) {
            text.add(partialResponse);
        }

        @Override
        public void onPartialToolCall(PartialToolCall partialToolCall) {
            partialToolCalls.add(partialToolCall);
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall completeToolCall) {
            completeToolCalls.add(completeToolCall);
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            done.complete(completeResponse);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }

        ChatResponse await() throws Exception {
            return done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.OPENAI_FORMAT, SdkFixtures.ANTHROPIC_FORMAT, GEMINI_FORMAT})
    void chatModelCallsTheToolSpecificationWithArgumentsBuiltFromItsSchema(String model) {
        ChatResponse response = chatModel(model).chat(askWithTool());

        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        ToolExecutionRequest request = onlyToolRequest(response.aiMessage());
        assertThat(request.id()).isNotBlank();
        assertThat(request.name()).isEqualTo(TOOL_NAME);
        assertThat(tree(request.arguments())).isEqualTo(tree(EXPECTED_ARGUMENTS));
        assertThat(response.tokenUsage().totalTokenCount()).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.OPENAI_FORMAT, SdkFixtures.ANTHROPIC_FORMAT, GEMINI_FORMAT})
    void streamingModelAssemblesTheToolCallFromItsFragments(String model) throws Exception {
        Collector collector = new Collector();
        streamingModel(model).chat(askWithTool(), collector);
        ChatResponse response = collector.await();

        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        ToolExecutionRequest request = onlyToolRequest(response.aiMessage());
        assertThat(request.id()).isNotBlank();
        assertThat(request.name()).isEqualTo(TOOL_NAME);
        assertThat(tree(request.arguments())).isEqualTo(tree(EXPECTED_ARGUMENTS));
        assertThat(collector.partialToolCalls).isNotEmpty().allSatisfy(partial -> {
            assertThat(partial.index()).isZero();
            assertThat(partial.name()).isEqualTo(TOOL_NAME);
        });
        assertThat(collector.partialToolCalls.stream().map(PartialToolCall::partialArguments).reduce("", String::concat))
                .isEqualTo(request.arguments());
        if (!model.equals(GEMINI_FORMAT)) {
            // OpenAI and Anthropic stream arguments in pieces (the simulator: 7 characters); Gemini sends them whole
            assertThat(collector.partialToolCalls).hasSizeGreaterThan(1);
        }
        assertThat(collector.completeToolCalls).singleElement()
                .satisfies(complete -> assertThat(complete.toolExecutionRequest()).isEqualTo(request));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.OPENAI_FORMAT, SdkFixtures.ANTHROPIC_FORMAT, GEMINI_FORMAT})
    void toolExecutionResultLeadsToAnAnswerQuotingIt(String model) {
        OpenAiChatModel chat = chatModel(model);
        UserMessage question = UserMessage.from(QUESTION);
        AiMessage call = chat.chat(askWithTool()).aiMessage();
        ToolExecutionRequest request = onlyToolRequest(call);
        String result = runWeatherTool(request.arguments());

        ChatResponse answer = chat.chat(ChatRequest.builder()
                .messages(question, call, ToolExecutionResultMessage.from(request, result))
                .toolSpecifications(weatherTool())
                .build());

        assertThat(result).isEqualTo("{\"city\":\"Paris\",\"forecast\":\"sunny\",\"celsius\":24}");
        assertThat(answer.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(answer.aiMessage().text()).isEqualTo("The tool " + TOOL_NAME + " returned: " + result);
        assertThat(answer.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.OPENAI_FORMAT, SdkFixtures.ANTHROPIC_FORMAT, GEMINI_FORMAT})
    void streamedToolExecutionResultLeadsToTheSameAnswer(String model) throws Exception {
        AiMessage call = chatModel(model).chat(askWithTool()).aiMessage();
        ToolExecutionRequest request = onlyToolRequest(call);
        String result = runWeatherTool(request.arguments());
        Collector collector = new Collector();

        streamingModel(model).chat(ChatRequest.builder()
                .messages(UserMessage.from(QUESTION), call, ToolExecutionResultMessage.from(request, result))
                .toolSpecifications(weatherTool())
                .build(), collector);
        ChatResponse answer = collector.await();

        String expected = "The tool " + TOOL_NAME + " returned: " + result;
        assertThat(answer.aiMessage().text()).isEqualTo(expected);
        assertThat(String.join("", collector.text)).isEqualTo(expected);
        assertThat(collector.text).hasSizeGreaterThan(1);
        assertThat(answer.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.OPENAI_FORMAT, SdkFixtures.ANTHROPIC_FORMAT, GEMINI_FORMAT})
    void jsonSchemaResponseFormatAnswersOneObjectOfThatSchema(String model) {
        ResponseFormat format = ResponseFormat.builder()
                .type(ResponseFormatType.JSON)
                .jsonSchema(JsonSchema.builder()
                        .name("forecast")
                        .rootElement(JsonObjectSchema.builder()
                                .addStringProperty("city")
                                .addIntegerProperty("days")
                                .addBooleanProperty("metric")
                                .required("city", "days", "metric")
                                .build())
                        .build())
                .build();

        ChatResponse response = chatModel(model).chat(ChatRequest.builder()
                .messages(UserMessage.from("Give me the forecast for Lyon"))
                .responseFormat(format)
                .build());

        assertThat(tree(response.aiMessage().text())).isEqualTo(tree("{\"city\":\"Lyon\",\"days\":1,\"metric\":true}"));
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.OPENAI_FORMAT, SdkFixtures.ANTHROPIC_FORMAT, GEMINI_FORMAT})
    void jsonObjectResponseFormatAnswersJson(String model) {
        ChatResponse response = chatModel(model).chat(ChatRequest.builder()
                .messages(UserMessage.from("Summarise the routing of Switchboard requests"))
                .responseFormat(ResponseFormat.JSON)
                .build());

        JsonNode answer = tree(response.aiMessage().text());
        assertThat(answer.isObject()).isTrue();
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        if (!model.equals(SdkFixtures.ANTHROPIC_FORMAT)) {
            // the simulator's schema-less JSON answer; over Anthropic the gateway forces a tool whose schema is
            // only {"type":"object"}, from which the simulator builds {}
            assertThat(answer.path("word_count").asInt()).isEqualTo(6);
            assertThat(answer.path("excerpt").asString()).isEqualTo("Summarise the routing of Switchboard requests");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.OPENAI_FORMAT, SdkFixtures.ANTHROPIC_FORMAT, GEMINI_FORMAT})
    void imageUserMessageReachesTheModel(String model) {
        ChatResponse response = chatModel(model).chat(ChatRequest.builder()
                .messages(UserMessage.from(TextContent.from("Describe this picture"), ImageContent.from(PNG_BASE64, "image/png")))
                .build());

        assertThat(response.aiMessage().text())
                .startsWith(IMAGE_ANSWER_START + "Simulated answer to \u201cDescribe this picture\u201d:");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.OPENAI_FORMAT, SdkFixtures.ANTHROPIC_FORMAT, GEMINI_FORMAT})
    void streamingModelStreamsTextThatAddsUpToTheAnswer(String model) throws Exception {
        Collector collector = new Collector();
        streamingModel(model).chat(ChatRequest.builder().messages(UserMessage.from("Hello there")).build(), collector);
        ChatResponse response = collector.await();

        assertThat(response.aiMessage().text()).startsWith("Simulated answer to \u201cHello there\u201d:");
        assertThat(String.join("", collector.text)).isEqualTo(response.aiMessage().text());
        assertThat(collector.text).hasSizeGreaterThan(1);
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.OPENAI_FORMAT, SdkFixtures.ANTHROPIC_FORMAT, GEMINI_FORMAT})
    void reasoningComesBackAsThinkingWhenAskedFor(String model) throws Exception {
        String base = "http://127.0.0.1:" + port + "/v1";
        ChatRequest hello = ChatRequest.builder().messages(UserMessage.from("Hello there")).build();
        OpenAiChatModel chat = OpenAiChatModel.builder().baseUrl(base).apiKey(API_KEY).modelName(model)
                .timeout(TIMEOUT).maxRetries(0).reasoningEffort("low").returnThinking(true).build();
        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(base).apiKey(API_KEY)
                .modelName(model).timeout(TIMEOUT).reasoningEffort("low").returnThinking(true).build();

        AiMessage whole = chat.chat(hello).aiMessage();
        Collector collector = new Collector();
        streaming.chat(hello, collector);
        AiMessage streamed = collector.await().aiMessage();

        assertThat(whole.thinking()).isEqualTo("Thinking about: Hello there");
        assertThat(whole.text()).startsWith("Simulated answer to \u201cHello there\u201d:");
        assertThat(streamed.thinking()).isEqualTo(whole.thinking());
        assertThat(streamed.text()).isEqualTo(whole.text());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"midfail/mf-1", "claudemid/cm-1", "geminimid/gm-1"})
    void streamThatBreaksAfterItsFirstChunkEndsInOnError(String model) {
        Collector collector = new Collector();
        streamingModel(model).chat(ChatRequest.builder().messages(UserMessage.from("Hello there")).build(), collector);

        Throwable failure = catchThrowable(collector::await);

        assertThat(String.join("", collector.text)).startsWith("Simulated answer");
        assertThat(failure)
                .as("a stream that broke must end in onError, not complete as %s",
                        collector.done.isCompletedExceptionally() ? "-" : collector.done.getNow(null))
                .isInstanceOf(ExecutionException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SdkFixtures.OPENAI_FORMAT, SdkFixtures.ANTHROPIC_FORMAT})
    void invalidParameterIsAnInvalidRequestException(String model) {
        OpenAiChatModel chat = OpenAiChatModel.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(API_KEY)
                .modelName(model).timeout(TIMEOUT).maxRetries(0).temperature(3.0).build();

        assertThatThrownBy(() -> chat.chat(UserMessage.from("Hello there")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'temperature' must be between 0 and 2.");
    }

    @Test
    void everyCandidateFailingIsAnInternalServerException() {
        assertThatThrownBy(() -> chatModel("allfail/af-1").chat(UserMessage.from("Hello there")))
                .isInstanceOf(InternalServerException.class);
    }
}
