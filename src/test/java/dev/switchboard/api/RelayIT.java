package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.SwitchboardApplication;
import dev.switchboard.testsupport.FakeUpstream;
import dev.switchboard.testsupport.FakeUpstream.Recorded;
import dev.switchboard.testsupport.FakeUpstream.Script;
import dev.switchboard.testsupport.Sse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Same-format relay through the whole gateway: a client's body reaches a provider of its own wire format as it
 * was sent, with only {@code model} replaced (fields the gateway does not know included, at the top level and
 * inside a message), and the provider's answer reaches the client as it was sent (unknown fields included),
 * sync and streamed, over {@code /v1/chat/completions} to an OpenAI-format provider and over {@code /v1/messages}
 * to an Anthropic-format one. The one change to a relayed OpenAI stream: the gateway always asks for usage, so a
 * client that did not gets neither the usage-only chunk nor the {@code "usage":null} the provider adds to every
 * chunk when usage was asked for.
 *
 * <p>The providers' base URL is a {@link FakeUpstream} started with the class; its URL reaches the one context
 * of this class (profile {@code relay}, {@code application-relay.yml}) through {@link DynamicPropertySource}.
 */
@SpringBootTest(classes = SwitchboardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
@ActiveProfiles("relay")
class RelayIT {

    private static final FakeUpstream UPSTREAM = FakeUpstream.start();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String OPENAI_KEY = "sk-relay-openai";
    private static final String ANTHROPIC_KEY = "sk-ant-relay";

    /** A system and a user message; the user message carries a field no version of the gateway knows. */
    private static final String OPENAI_MESSAGES = "\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},"
            + "{\"role\":\"user\",\"content\":\"Hi\",\"x_future_message_field\":{\"b\":[\"c\",3.5,null]}}]";

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("relay.upstream-url", () -> UPSTREAM.url(""));
    }

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.close();
    }

    @Autowired
    WebTestClient http;

    // --- OpenAI format ------------------------------------------------------------------------------------

    @Test
    void unknownRequestFieldsReachAnOpenAiUpstreamByteForByteExceptTheModel() {
        String answer = "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion\","
                + "\"created\":1741569952,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"Hello!\",\"refusal\":null,"
                + "\"x_future_message\":\"m\"},\"logprobs\":null,\"finish_reason\":\"stop\","
                + "\"x_future_choice\":{\"k\":1}}],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":3,"
                + "\"total_tokens\":22},\"system_fingerprint\":\"fp_44709d6fcb\",\"x_future_answer\":true}";
        UPSTREAM.on(OPENAI_KEY, Script.json(200, answer));
        String sent = "{\"model\":\"relayai/gpt-relay\"," + OPENAI_MESSAGES + ",\"temperature\":0.3,\"max_tokens\":50,"
                + "\"x_future_param\":{\"a\":[1,2]},\"metadata\":{\"trace\":\"t-1\"}}";

        String received = post("/v1/chat/completions", sent)
                .expectStatus().isOk()
                .expectHeader().valueEquals("x-switchboard-provider", "relayai")
                .expectBody(String.class).returnResult().getResponseBody();

        Recorded upstream = last(OPENAI_KEY);
        assertThat(upstream.uri()).isEqualTo("/v1/chat/completions");
        assertThat(upstream.body()).isEqualTo(withModel(sent, "gpt-relay"));
        assertSameExceptModel(upstream.body(), sent, "gpt-relay");
        assertThat(received).as("the provider's answer, byte for byte").isEqualTo(answer);
    }

    @Test
    void streamedOpenAiRelayForwardsEveryEventAsSentWhenTheClientAskedForUsage() {
        String stream = openAiStream();
        String sent = "{\"model\":\"relayai/gpt-relay\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + OPENAI_MESSAGES + ",\"x_future_param\":{\"a\":[1,2]}}";

        String received = relayedStream(stream, sent);

        Recorded upstream = last(OPENAI_KEY);
        assertThat(upstream.body()).isEqualTo(withModel(sent, "gpt-relay"));
        assertThat(received).as("every event as the provider sent it, the usage-only chunk included").isEqualTo(stream);
        List<Sse.Frame> frames = Sse.parse(received);
        assertThat(frames).hasSize(6);
        assertThat(json(frames.get(1)).path("x_future_answer").asBoolean()).isTrue();
        assertThat(json(frames.get(1)).path("choices").get(0).path("x_future_choice").path("k").asInt()).isEqualTo(1);
        assertThat(json(frames.get(4)).path("choices")).isEmpty();
        assertThat(json(frames.get(4)).path("usage").path("total_tokens").asInt()).isEqualTo(10);
    }

    /**
     * The gateway asks the provider for usage (to count it), so the provider's body gains
     * {@code stream_options.include_usage}; everything else is the client's.
     */
    @Test
    void streamedOpenAiRelayLeavesOutTheUsageOnlyChunkWhenTheClientDidNotAskForUsage() {
        String stream = openAiStream();
        String sent = "{\"model\":\"relayai/gpt-relay\",\"stream\":true," + OPENAI_MESSAGES
                + ",\"x_future_param\":{\"a\":[1,2]}}";

        String received = relayedStream(stream, sent);

        ObjectNode upstream = (ObjectNode) JSON.readTree(last(OPENAI_KEY).body());
        assertThat(last(OPENAI_KEY).body()).as("the client's bytes, the usage request put first")
                .isEqualTo("{\"stream_options\":{\"include_usage\":true}," + withModel(sent, "gpt-relay").substring(1));
        assertThat(upstream.remove("stream_options")).isEqualTo(JSON.readTree("{\"include_usage\":true}"));
        assertSameExceptModel(JSON.writeValueAsString(upstream), sent, "gpt-relay");
        String usageChunk = stream.substring(stream.indexOf("data: {\"id\":\"chatcmpl-relay\","
                + "\"object\":\"chat.completion.chunk\",\"created\":1727889370,\"model\":\"gpt-4o-mini-2024-07-18\","
                + "\"system_fingerprint\":\"fp_f85bea6784\",\"choices\":[]"), stream.indexOf("data: [DONE]"));
        assertThat(received).as("the events as sent to a client that did not ask for usage")
                .isEqualTo(stream.replace(usageChunk, "").replace(",\"usage\":null}\n\n", "}\n\n"));
        assertThat(received).doesNotContain("\"usage\"")
                .contains("\"x_future_answer\":true", "\"x_future_choice\":{\"k\":1}");
        assertThat(Sse.parse(received)).hasSize(5);
    }

    /** A client that said no to usage still gets none, while the provider is asked for it to count it. */
    @Test
    void aStreamWhoseClientTurnedUsageOffAsksTheProviderForUsageAndLeavesItOutForTheClient() {
        String sent = "{\"model\":\"relayai/gpt-relay\",\"stream\":true,\"stream_options\":{\"include_usage\":false},"
                + OPENAI_MESSAGES + ",\"x_future_param\":{\"a\":[1,2]}}";

        String received = relayedStream(openAiStream(), sent);

        ObjectNode upstream = (ObjectNode) JSON.readTree(last(OPENAI_KEY).body());
        assertThat(upstream.path("stream_options")).isEqualTo(JSON.readTree("{\"include_usage\":true}"));
        assertThat(upstream.path("stream").asBoolean()).isTrue();
        assertThat(upstream.path("x_future_param")).isEqualTo(JSON.readTree("{\"a\":[1,2]}"));
        assertThat(received).doesNotContain("\"usage\"").contains("\"x_future_answer\":true");
    }

    // --- Anthropic format ---------------------------------------------------------------------------------

    @Test
    void unknownRequestFieldsReachAnAnthropicUpstreamByteForByteExceptTheModel() {
        String answer = "{\"id\":\"msg_013Zva2CMHLNAmqYWvI1xIK9\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\",\"text\":\"Hello!\","
                + "\"x_future_block\":\"b\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":12,\"output_tokens\":6,\"x_future_usage\":2},\"x_future_answer\":true}";
        UPSTREAM.on(ANTHROPIC_KEY, Script.json(200, answer));
        String sent = anthropicRequest(false);

        String received = post("/v1/messages", sent)
                .expectStatus().isOk()
                .expectHeader().valueEquals("x-switchboard-provider", "relayclaude")
                .expectBody(String.class).returnResult().getResponseBody();

        Recorded upstream = last(ANTHROPIC_KEY);
        assertThat(upstream.uri()).isEqualTo("/v1/messages");
        assertThat(upstream.body()).isEqualTo(withModel(sent, "claude-relay"));
        assertSameExceptModel(upstream.body(), sent, "claude-relay");
        assertThat(received).as("the provider's message, byte for byte").isEqualTo(answer);
    }

    @Test
    void streamedAnthropicRelayForwardsEveryEventAsSentUnknownEventsIncluded() {
        String stream = anthropicStream();
        UPSTREAM.on(ANTHROPIC_KEY, Script.sse().write(stream));
        String sent = anthropicRequest(true);

        String received = post("/v1/messages", sent)
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(last(ANTHROPIC_KEY).body()).isEqualTo(withModel(sent, "claude-relay"));
        assertThat(received).as("every event as the provider sent it").isEqualTo(stream);
        assertThat(Sse.parse(received)).extracting(Sse.Frame::event).containsExactly("message_start", "ping",
                "content_block_start", "content_block_delta", "x_future_event", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop");
    }

    // --- helpers ------------------------------------------------------------------------------------------

    private WebTestClient.ResponseSpec post(String path, String body) {
        return http.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private static Recorded last(String key) {
        List<Recorded> requests = UPSTREAM.requestsWith(key);
        assertThat(requests).isNotEmpty();
        return requests.get(requests.size() - 1);
    }

    /** The client's body as its text, with the model it named replaced by the provider's model. */
    /** The provider streams {@code stream}; the client posts {@code sent} and gets this (event ids removed). */
    private String relayedStream(String stream, String sent) {
        UPSTREAM.on(OPENAI_KEY, Script.sse().write(stream));
        return withoutEventIds(post("/v1/chat/completions", sent)
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody(String.class).returnResult().getResponseBody());
    }

    private static String withModel(String sent, String model) {
        ObjectNode body = (ObjectNode) JSON.readTree(sent);
        String named = body.path("model").asString();
        return sent.replace("\"model\":\"" + named + "\"", "\"model\":\"" + model + "\"");
    }

    /** Field by field: the upstream body is the client's, the model replaced, nothing added, nothing left out. */
    private static void assertSameExceptModel(String upstreamBody, String clientBody, String model) {
        ObjectNode upstream = (ObjectNode) JSON.readTree(upstreamBody);
        ObjectNode client = (ObjectNode) JSON.readTree(clientBody);
        assertThat(upstream.remove("model").asString()).isEqualTo(model);
        client.remove("model");
        assertThat(upstream.propertyNames()).containsExactlyElementsOf(client.propertyNames());
        for (String field : client.propertyNames()) {
            assertThat(upstream.get(field)).as(field).isEqualTo(client.get(field));
        }
        assertThat(upstream.path("x_future_param")).isEqualTo(JSON.readTree("{\"a\":[1,2]}"));
    }

    private static JsonNode json(Sse.Frame frame) {
        return JSON.readTree(frame.data());
    }

    private static String openAiChunk(String delta, String finish, String extra) {
        return "data: {\"id\":\"chatcmpl-relay\",\"object\":\"chat.completion.chunk\",\"created\":1727889370,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_f85bea6784\","
                + "\"choices\":[{\"index\":0,\"delta\":"
                + delta + ",\"logprobs\":null,\"finish_reason\":" + finish + extra + "}]," + "\"x_future_answer\":true,"
                + "\"usage\":null}\n\n";
    }

    /** What OpenAI sends when usage was asked for: every chunk with {@code "usage":null}, then the usage-only chunk. */
    private static String openAiStream() {
        return openAiChunk("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null", "")
                + openAiChunk("{\"content\":\"Hello\"}", "null", ",\"x_future_choice\":{\"k\":1}")
                + openAiChunk("{\"content\":\"!\"}", "null", "")
                + openAiChunk("{}", "\"stop\"", "")
                + "data: {\"id\":\"chatcmpl-relay\",\"object\":\"chat.completion.chunk\",\"created\":1727889370,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_f85bea6784\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":2,\"total_tokens\":10,"
                + "\"x_future_usage\":1}}\n\n"
                + "data: [DONE]\n\n";
    }

    /**
     * A system block and a text block with fields the gateway does not map ({@code cache_control}) or that do not
     * exist yet, and a top-level field that does not exist yet.
     */
    private static String anthropicRequest(boolean stream) {
        return "{\"model\":\"relayclaude/claude-relay\",\"max_tokens\":256," + (stream ? "\"stream\":true," : "")
                + "\"system\":[{\"type\":\"text\",\"text\":\"You are terse.\","
                + "\"cache_control\":{\"type\":\"ephemeral\"}}],\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"Hi\",\"x_future_block_field\":{\"b\":[1,2]}}]}],"
                + "\"x_future_param\":{\"a\":[1,2]}}";
    }

    private static String event(String type, String data) {
        return "event: " + type + "\ndata: " + data + "\n\n";
    }

    private static String anthropicStream() {
        return event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_relay\","
                + "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5-20250929\","
                + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"output_tokens\":1},"
                + "\"x_future_message\":1}}")
                + event("ping", "{\"type\": \"ping\"}")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\",\"x_future_delta\":[1]}}")
                + event("x_future_event", "{\"type\":\"x_future_event\",\"x\":{\"y\":2}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"!\"}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":15},\"x_future_answer\":true}")
                + event("message_stop", "{\"type\":\"message_stop\"}");
    }

    /** The stream as the provider sent it: each event's {@code id:} line (resumable streams) taken out. */
    private static String withoutEventIds(String received) {
        assertThat(received).as("every event carries an id").startsWith("id: ");
        return received.replaceAll("(?m)^id: [^\n]*\n", "");
    }
}
