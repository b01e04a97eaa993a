package dev.switchboard.providers.gemini;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.Completion;
import dev.switchboard.providers.ProviderClient;
import dev.switchboard.providers.UpstreamExchange;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.providers.UpstreamTransport;
import dev.switchboard.providers.sse.SseEvent;
import dev.switchboard.support.FlattenLists;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Client for the Gemini API, bound to one key. The {@link UpstreamTransport} it gets already carries the API
 * root ({@code https://generativelanguage.googleapis.com/v1beta}), the {@code x-goog-api-key} header
 * (never a {@code ?key=} query parameter, which would put the key into access logs) and any extra
 * headers.
 */
public final class GeminiClient implements ProviderClient {

    private final UpstreamTransport http;
    private final URI keyCheckUri;
    private final ApiKey key;
    private final JsonMapper json;
    private final GeminiErrors errors;
    private final UpstreamExchange exchange;

    public GeminiClient(UpstreamTransport http, ApiKey key, JsonMapper json, Clock clock, int maxLineBytes) {
        this.http = http;
        this.keyCheckUri = http.uri("/models?pageSize=1");
        this.key = key;
        this.json = json;
        this.errors = new GeminiErrors(json);
        this.exchange = new UpstreamExchange(http,
                (status, headers, body) -> errors.fromHttp(status, headers, body, key, clock.instant()), maxLineBytes);
    }

    @Override
    public Mono<Completion> complete(UpstreamRequest request) {
        return exchange.complete(modelUri(request, ":generateContent"),
                json.writeValueAsBytes(GeminiRequests.toWire(request)), this::toCompletion);
    }

    /** Always {@code alt=sse}: without it Gemini streams one JSON array instead of events. */
    @Override
    public Flux<ChatChunk> stream(UpstreamRequest request) {
        return exchange.stream(modelUri(request, ":streamGenerateContent?alt=sse"),
                json.writeValueAsBytes(GeminiRequests.toWire(request)), this::chunks, this::jsonInsteadOfStream);
    }

    /** {@code GET /v1beta/models?pageSize=1}: needs a valid key, costs no tokens. */
    @Override
    public Mono<Void> checkKey() {
        return exchange.check(keyCheckUri);
    }

    /**
     * {@code /models/{model}<method>}, the model id percent-encoded as a path segment value (as the URI
     * template did), kept by the transport per path.
     */
    private URI modelUri(UpstreamRequest request, String method) {
        return http.uri("/models/" + UriUtils.encode(GeminiRequests.modelId(request.model()), StandardCharsets.UTF_8)
                + method);
    }

    private Flux<ChatChunk> chunks(Flux<List<SseEvent>> reads) {
        GeminiStreamMapper mapper = new GeminiStreamMapper(json, errors, key);
        return FlattenLists.of(reads, mapper::mapRead)
                .concatWith(Flux.defer(mapper::endOfStream));
    }

    /**
     * A 200 with a JSON body on a stream request: an error, one whole answer, or the JSON array of chunks
     * Gemini sends when {@code alt=sse} was not honoured. All go through the stream mapper, so the same
     * completeness and usage rules apply.
     */
    private Flux<ChatChunk> jsonInsteadOfStream(byte[] body) {
        JsonNode root = json.readTree(body);
        List<JsonNode> chunks = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(chunks::add);
        } else {
            chunks.add(root);
        }
        return Flux.defer(() -> {
            GeminiStreamMapper mapper = new GeminiStreamMapper(json, errors, key);
            return Flux.fromIterable(chunks)
                    .concatMapIterable(mapper::map)
                    .concatWith(Flux.defer(mapper::endOfStream));
        });
    }

    private Completion toCompletion(byte[] body) {
        JsonNode root = json.readTree(body);
        if (root.path("error").isObject()) {
            throw errors.inBand(root.path("error"), key);
        }
        GeminiWire.Response response = json.treeToValue(root, GeminiWire.Response.class);
        if (response.promptFeedback() != null && response.promptFeedback().blockReason() != null) {
            return new Completion("", "content_filter", GeminiAnswers.usage(response.usageMetadata()));
        }
        if (response.candidates() == null || response.candidates().isEmpty()) {
            throw UpstreamException.of(ErrorClass.SERVER_ERROR, "upstream answer has no candidates");
        }
        return new Completion(GeminiAnswers.choices(response.candidates()), GeminiAnswers.usage(response.usageMetadata()),
                null);
    }
}
