package dev.switchboard.providers.openai;

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
import tools.jackson.databind.json.JsonMapper;

/**
 * Client for any OpenAI-compatible chat-completions API, bound to one key. The {@link UpstreamTransport}
 * it gets already carries the base URL, the {@code Authorization} header and any extra headers; making a
 * client (Path B makes one per request) parses nothing: the endpoint URIs are the transport's.
 */
public final class OpenAiClient implements ProviderClient {

    private final URI completionsUri;
    private final URI keyCheckUri;
    private final ApiKey key;
    private final JsonMapper json;
    private final OpenAiErrors errors;
    private final Clock clock;
    private final UpstreamExchange exchange;
    private final EndMarker endMarker;

    /**
     * @param keyCheckPath path of the cheap call that proves a key works: {@code /models} for most, but
     *     OpenRouter's models list is public, so there it is {@code /key}
     */
    public OpenAiClient(UpstreamTransport http, ApiKey key, JsonMapper json, Clock clock, int maxLineBytes,
            EndMarker endMarker, String keyCheckPath) {
        this.completionsUri = http.uri("/chat/completions");
        this.keyCheckUri = http.uri(keyCheckPath);
        this.key = key;
        this.json = json;
        this.errors = new OpenAiErrors(json);
        this.clock = clock;
        this.endMarker = endMarker;
        this.exchange = new UpstreamExchange(http,
                (status, headers, body) -> errors.fromHttp(status, headers, body, key, clock.instant()), maxLineBytes);
    }

    @Override
    public Mono<Completion> complete(UpstreamRequest request) {
        boolean relayed = request.relayed();
        return exchange.complete(completionsUri, OpenAiRequests.body(json, request, false),
                body -> toCompletion(body, relayed));
    }

    @Override
    public Flux<ChatChunk> stream(UpstreamRequest request) {
        // the lambdas keep what they read of the request, not the request: an open stream keeps them, and the
        // request holds the whole prompt
        boolean relayed = request.relayed();
        return exchange.stream(completionsUri, OpenAiRequests.body(json, request, true),
                events -> chunks(events, relayed), this::jsonInsteadOfStream);
    }

    @Override
    public Mono<Void> checkKey() {
        return exchange.check(keyCheckUri);
    }

    private Flux<ChatChunk> chunks(Flux<List<SseEvent>> reads, boolean relay) {
        OpenAiStreamMapper mapper = new OpenAiStreamMapper(json, errors, key, clock, relay);
        return endMarker.mapThrough(reads, mapper::isDone, mapper::map, mapper::endOfStream);
    }

    /**
     * Conformance case 31: a 200 with a JSON body on a stream request is an error (thrown by
     * {@link #toCompletion}, so the stream fails with it) or a whole answer.
     */
    private Flux<ChatChunk> jsonInsteadOfStream(byte[] body) {
        return UpstreamExchange.asChunks(toCompletion(body, false));
    }

    private Completion toCompletion(byte[] body, boolean keepRaw) {
        OpenAiWire.Response response = OpenAiAnswerReader.read(json, body);
        if (response.error() != null && !response.error().isNull()) {
            throw errors.inBand(response.error(), key, clock.instant());
        }
        if (response.choices() == null || response.choices().isEmpty()) {
            throw UpstreamException.of(ErrorClass.SERVER_ERROR, "upstream answer has no choices");
        }
        return new Completion(OpenAiAnswers.choices(response.choices()), OpenAiAnswers.usage(response.usage()),
                keepRaw ? body : null);
    }
}
