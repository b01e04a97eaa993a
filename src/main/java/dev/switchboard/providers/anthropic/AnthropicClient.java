package dev.switchboard.providers.anthropic;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.Completion;
import dev.switchboard.providers.ProviderClient;
import dev.switchboard.providers.UpstreamExchange;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.providers.UpstreamTransport;
import dev.switchboard.providers.sse.EndMarker;
import dev.switchboard.providers.sse.SseEvent;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Client for Anthropic's Messages API, bound to one key. The {@link UpstreamTransport} it gets already
 * carries the API root ({@code https://api.anthropic.com/v1}), {@code x-api-key}, {@code anthropic-version}
 * and any extra headers.
 */
public final class AnthropicClient implements ProviderClient {

    /**
     * {@code max_tokens} when neither the request nor the model's configuration gives one: the API
     * requires it, and 4096 fits every current Claude model's output limit.
     */
    public static final int DEFAULT_MAX_TOKENS = 4096;

    private final URI messagesUri;
    private final URI keyCheckUri;
    private final ApiKey key;
    private final JsonMapper json;
    private final AnthropicErrors errors;
    private final UpstreamExchange exchange;
    private final EndMarker endMarker;

    public AnthropicClient(UpstreamTransport http, ApiKey key, JsonMapper json, Clock clock, int maxLineBytes,
            EndMarker endMarker) {
        this.messagesUri = http.uri("/messages");
        this.keyCheckUri = http.uri("/models?limit=1");
        this.key = key;
        this.json = json;
        this.errors = new AnthropicErrors(json);
        this.endMarker = endMarker;
        this.exchange = new UpstreamExchange(http,
                (status, headers, body) -> errors.fromHttp(status, headers, body, key, clock.instant()), maxLineBytes);
    }

    @Override
    public Mono<Completion> complete(UpstreamRequest request) {
        boolean relayed = request.relayed();
        boolean jsonTool = jsonTool(request);
        return exchange.complete(messagesUri, body(request, false),
                body -> toCompletion(body, relayed, jsonTool));
    }

    /** A 200 with a JSON body on a stream request is an error envelope or a whole message. */
    @Override
    public Flux<ChatChunk> stream(UpstreamRequest request) {
        // the lambdas keep what they read of the request, not the request: an open stream keeps them, and the
        // request holds the whole prompt
        boolean relayed = request.relayed();
        boolean jsonTool = jsonTool(request);
        return exchange.stream(messagesUri, body(request, true),
                events -> chunks(events, relayed, jsonTool),
                body -> UpstreamExchange.asChunks(toCompletion(body, false, jsonTool)));
    }

    /** {@code GET /v1/models?limit=1}: needs a valid key, costs no tokens. */
    @Override
    public Mono<Void> checkKey() {
        return exchange.check(keyCheckUri);
    }

    private Flux<ChatChunk> chunks(Flux<List<SseEvent>> reads, boolean relay, boolean jsonTool) {
        AnthropicStreamMapper mapper = new AnthropicStreamMapper(json, errors, key, relay, jsonTool);
        return endMarker.mapThrough(reads, mapper::isDone, mapper::map, mapper::endOfStream);
    }

    private Completion toCompletion(byte[] body, boolean keepRaw, boolean jsonTool) {
        JsonNode root = json.readTree(body);
        if ("error".equals(root.path("type").asString("")) || root.path("error").isObject()) {
            throw errors.inBand(root, key);
        }
        AnthropicWire.Response message = json.treeToValue(root, AnthropicWire.Response.class);
        if (message.content() == null) {
            throw UpstreamException.of(ErrorClass.SERVER_ERROR, "upstream answer has no content");
        }
        return new Completion(List.of(AnthropicAnswers.choice(message, jsonTool)), AnthropicAnswers.usage(message.usage()),
                keepRaw ? body : null);
    }

    /** Whether the request's JSON response format went as the forced JSON tool (never for a relayed body). */
    private static boolean jsonTool(UpstreamRequest request) {
        return !request.relayed() && request.responseFormat() != null && request.responseFormat().json();
    }

    private byte[] body(UpstreamRequest request, boolean stream) {
        return json.writeValueAsBytes(AnthropicRequests.toWire(request, stream));
    }
}
