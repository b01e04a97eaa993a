package dev.switchboard.conformance;

import static dev.switchboard.testsupport.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.UpstreamClients;
import dev.switchboard.providers.http.HttpClientFactory;
import dev.switchboard.providers.sse.EndMarker;
import dev.switchboard.testsupport.FakeUpstream;
import dev.switchboard.testsupport.FakeUpstream.Recorded;
import dev.switchboard.testsupport.FakeUpstream.Script;
import dev.switchboard.testsupport.Gateway;
import dev.switchboard.testsupport.Seen;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One Path A rotation over three wire formats, and what each adapter puts on the wire: every provider
 * type maps into the same request, chunk and usage model, so they mix freely.
 */
class MixedFormatsConformanceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final FakeUpstream fake = FakeUpstream.start();
    private final Provider openAi = Gateway.provider("openai", WireFormat.OPENAI, fake.url("/v1"), "sk-one");
    private final Provider claude = Gateway.provider("claude", WireFormat.ANTHROPIC, fake.url("/v1"), "sk-ant-one");
    private final Provider gemini = Gateway.provider("gemini", WireFormat.GEMINI, fake.url("/v1beta"), "AIza-one");
    private final Gateway gateway = new Gateway(openAi, claude, gemini);

    @AfterEach
    void stop() {
        gateway.close();
        fake.close();
    }

    @Test
    void pathARotatesAcrossThreeWireFormatsWithTheSameResultShape() {
        fake.on("sk-one", Script.sse().write(OPENAI_HAPPY));
        fake.on("sk-ant-one", Script.sse().write(ANTHROPIC_HAPPY));
        fake.on("AIza-one", Script.sse().write(geminiStream("\r\n\r\n")));

        List<Seen> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            seen.add(Seen.of(gateway.streamAnyProvider()));
        }

        assertThat(seen).extracting(s -> s.route().provider()).containsExactlyInAnyOrder("openai", "claude", "gemini");
        assertThat(seen).allSatisfy(s -> {
            assertThat(s.error()).isNull();
            assertThat(s.result().finishReason()).isEqualTo("stop");
            assertThat(s.result().usage().estimated()).isFalse();
        });
        assertThat(seen).extracting(Seen::text).containsExactlyInAnyOrder("Hello!", "Hello!", GEMINI_TEXT);
    }

    @Test
    void aFailingProviderFallsBackToAProviderOfAnotherWireFormat() {
        fake.on("sk-one", Script.json(500, "{\"error\":{\"message\":\"The server had an error while processing your"
                + " request. Sorry about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}"));
        fake.on("sk-ant-one", Script.json(529, ANTHROPIC_529));
        fake.on("AIza-one", Script.sse().write(geminiStream("\n\n")));

        List<String> providers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Seen seen = Seen.of(gateway.streamAnyProvider());
            assertThat(seen.error()).isNull();
            providers.add(seen.route().provider());
        }

        assertThat(providers).containsOnly("gemini");
        assertThat(gateway.trail()).contains("openai#1:server_error", "claude#1:overloaded", "gemini#1:ok");
    }

    @Test
    void syncAnswersOfEveryFormatMapToOneCompletion() {
        fake.on("sk-one", Script.json(200, "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":"
                + "\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + "\"Hello!\"},\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":3,"
                + "\"total_tokens\":22}}"));
        fake.on("sk-ant-one", Script.json(200, "{\"id\":\"msg_013Zva2CMHLNAmqYWvI1xIK9\",\"type\":\"message\",\"role\":"
                + "\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\",\"text\":"
                + "\"Hello!\"}],\"stop_reason\":\"max_tokens\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,"
                + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":6,"
                + "\"service_tier\":\"standard\"}}"));
        fake.on("AIza-one", Script.json(200, "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hello!\"}],"
                + "\"role\": \"model\"},\"finishReason\": \"MAX_TOKENS\",\"index\": 0,\"avgLogprobs\": -0.06}],"
                + "\"usageMetadata\": {\"promptTokenCount\": 8,\"candidatesTokenCount\": 3,\"totalTokenCount\": 11},"
                + "\"modelVersion\": \"gemini-2.0-flash\",\"responseId\": \"Y8tsaInkFYLsx_APseqW6QY\"}"));

        List<ChatResult> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            results.add(gateway.completeAnyProvider().block(Duration.ofSeconds(10)));
        }

        assertThat(results).extracting(ChatResult::content).containsOnly("Hello!");
        assertThat(results).extracting(ChatResult::finishReason).containsOnly("length");
        assertThat(results).extracting(ChatResult::usage).containsExactlyInAnyOrder(
                new Usage(19, 3, 22, false), new Usage(12, 6, 18, false), new Usage(8, 3, 11, false));
    }

    @Test
    void anthropicRequestsCarryKeyVersionTopLevelSystemAndMaxTokens() {
        fake.on("sk-ant-one", Script.sse().write(ANTHROPIC_HAPPY));

        Seen.of(gateway.stream("claude"));

        Recorded request = fake.requestsWith("sk-ant-one").get(0);
        assertThat(request.uri()).isEqualTo("/v1/messages");
        assertThat(request.header("x-api-key")).isEqualTo("sk-ant-one");
        assertThat(request.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(request.header("authorization")).isNull();
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.path("system").asString()).isEqualTo("You are terse.");
        assertThat(body.path("messages")).hasSize(1);
        assertThat(body.path("messages").get(0).path("role").asString()).isEqualTo("user");
        assertThat(body.path("max_tokens").asInt()).as("the model's configured default").isEqualTo(64);
        assertThat(body.path("stream").asBoolean()).isTrue();
    }

    @Test
    void openAiRequestsAskForUsageAndCarryTheProvidersExtraHeadersButNeverLetThemReplaceTheKey() {
        Provider openRouter = Gateway.withHeaders(
                Gateway.provider("openrouter", WireFormat.OPENAI, fake.url("/api/v1"), "sk-or-one"),
                Map.of("HTTP-Referer", "https://example.org", "X-Title", "Switchboard", "Authorization", "Bearer nope"));
        fake.on("sk-or-one", Script.sse().write(OPENAI_HAPPY));
        try (Gateway withHeaders = new Gateway(openRouter)) {
            Seen.of(withHeaders.stream("openrouter"));
        }

        Recorded request = fake.requestsWith("sk-or-one").get(0);
        assertThat(request.uri()).isEqualTo("/api/v1/chat/completions");
        assertThat(request.header("http-referer")).isEqualTo("https://example.org");
        assertThat(request.header("x-title")).isEqualTo("Switchboard");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(body.path("messages").get(0).path("role").asString()).isEqualTo("system");
    }

    @Test
    void keyChecksUseEachFormatsCheapAuthenticatedCall() {
        fake.on("sk-one", Script.json(200, "{\"object\":\"list\",\"data\":[]}"));
        fake.on("sk-ant-one", Script.json(401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                + "\"message\":\"invalid x-api-key\"}}"));
        fake.on("AIza-one", Script.json(200, "{\"models\":[]}"));
        HttpClientFactory factory = new HttpClientFactory(UpstreamClients.of(HttpClient.create()), Long.MAX_VALUE,
                EndMarker.DEFAULT, JSON, Clock.systemUTC());

        Throwable invalid = catchThrowable(() -> factory.create(claude, key(claude)).checkKey().block(Duration.ofSeconds(5)));
        factory.create(openAi, key(openAi)).checkKey().block(Duration.ofSeconds(5));
        factory.create(gemini, key(gemini)).checkKey().block(Duration.ofSeconds(5));

        assertThat(invalid).isInstanceOfSatisfying(UpstreamException.class,
                e -> assertThat(e.errorClass()).isEqualTo(ErrorClass.INVALID_KEY));
        assertThat(fake.requests()).extracting(r -> r.method() + " " + r.uri()).containsExactly(
                "GET /v1/models?limit=1", "GET /v1/models", "GET /v1beta/models?pageSize=1");
        assertThat(fake.requestsWith("sk-ant-one").get(0).header("anthropic-version")).isEqualTo("2023-06-01");
    }

    private static ApiKey key(Provider provider) {
        return provider.keys().keys().get(0);
    }
}
