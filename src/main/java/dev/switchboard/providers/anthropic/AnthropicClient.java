package dev.switchboard.providers.anthropic;

import dev.switchboard.chat.Usage;
import dev.switchboard.keys.ApiKey;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.Completion;
import dev.switchboard.providers.ErrorClass;
import dev.switchboard.providers.ProviderClient;
import dev.switchboard.providers.UpstreamException;
import dev.switchboard.providers.UpstreamFailures;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.providers.UpstreamUris;
import dev.switchboard.providers.sse.SseDecoder;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Client for Anthropic's Messages API, bound to one key. The {@link WebClient} it gets already carries
 * the API root ({@code https://api.anthropic.com/v1}), {@code x-api-key}, {@code anthropic-version} and
 * any extra headers.
 */
public final class AnthropicClient implements ProviderClient {

    /**
     * {@code max_tokens} when neither the request nor the model's configuration gives one: the API
     * requires it, and 4096 fits every current Claude model's output limit.
     */
    public static final int DEFAULT_MAX_TOKENS = 4096;

    private static final byte[] EMPTY = new byte[0];

    private final WebClient http;
    private final URI messagesUri;
    private final ApiKey key;
    private final JsonMapper json;
    private final AnthropicErrors errors;
    private final Clock clock;
    private final int maxLineBytes;

    public AnthropicClient(WebClient http, String baseUrl, ApiKey key, JsonMapper json, Clock clock, int maxLineBytes) {
        this.http = http;
        this.messagesUri = UpstreamUris.resolve(baseUrl, "/messages");
        this.key = key;
        this.json = json;
        this.errors = new AnthropicErrors(json);
        this.clock = clock;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public Mono<Completion> complete(UpstreamRequest request) {
        return http.post().uri(messagesUri)
                .bodyValue(body(request, false))
                .exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                        ? response.bodyToMono(byte[].class).map(this::toCompletion)
                        : errorFrom(response))
                .onErrorMap(e -> !(e instanceof UpstreamException), UpstreamFailures::classify);
    }

    @Override
    public Flux<ChatChunk> stream(UpstreamRequest request) {
        return http.post().uri(messagesUri)
                .accept(MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_JSON)
                .bodyValue(body(request, true))
                .exchangeToFlux(this::streamFrom)
                .onErrorMap(e -> !(e instanceof UpstreamException), UpstreamFailures::classify);
    }

    /** {@code GET /v1/models?limit=1}: needs a valid key, costs no tokens. */
    @Override
    public Mono<Void> checkKey() {
        return http.get().uri("/models?limit=1")
                .exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                        ? response.releaseBody()
                        : this.<Void>errorFrom(response))
                .onErrorMap(e -> !(e instanceof UpstreamException), UpstreamFailures::classify);
    }

    private Flux<ChatChunk> streamFrom(ClientResponse response) {
        if (!response.statusCode().is2xxSuccessful()) {
            return this.<ChatChunk>errorFrom(response).flux();
        }
        MediaType type = response.headers().contentType().orElse(MediaType.TEXT_EVENT_STREAM);
        if (MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
            return response.bodyToMono(byte[].class).flatMapMany(this::jsonInsteadOfStream);
        }
        if (!MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type)) {
            return response.releaseBody().then(Mono.<ChatChunk>error(UpstreamException.of(
                    ErrorClass.SERVER_ERROR, "upstream answered " + type + " where a stream was expected"))).flux();
        }
        Flux<DataBuffer> body = response.bodyToFlux(DataBuffer.class);
        return Flux.defer(() -> {
            AnthropicStreamMapper mapper = new AnthropicStreamMapper(json, errors, key);
            return SseDecoder.decode(body, maxLineBytes)
                    .takeUntil(mapper::isDone)
                    .concatMapIterable(mapper::map)
                    .concatWith(Flux.defer(mapper::endOfStream));
        });
    }

    /** A 200 with a JSON body on a stream request: an error envelope or a whole message. */
    private Flux<ChatChunk> jsonInsteadOfStream(byte[] body) {
        Completion completion = toCompletion(body);
        List<ChatChunk> chunks = new ArrayList<>(3);
        if (!completion.content().isEmpty()) {
            chunks.add(new ChatChunk.Delta(completion.content()));
        }
        chunks.add(new ChatChunk.Finish(completion.finishReason()));
        if (!completion.usage().estimated()) {
            chunks.add(new ChatChunk.UsageReport(completion.usage()));
        }
        return Flux.fromIterable(chunks);
    }

    private <T> Mono<T> errorFrom(ClientResponse response) {
        return response.bodyToMono(byte[].class)
                .defaultIfEmpty(EMPTY)
                .flatMap(bytes -> Mono.error(errors.fromHttp(response.statusCode().value(),
                        response.headers().asHttpHeaders(), bytes, key, clock.instant())));
    }

    private Completion toCompletion(byte[] body) {
        JsonNode root = json.readTree(body);
        if ("error".equals(root.path("type").asString("")) || root.path("error").isObject()) {
            throw errors.inBand(root, key);
        }
        AnthropicWire.Response message = json.treeToValue(root, AnthropicWire.Response.class);
        if (message.content() == null) {
            throw UpstreamException.of(ErrorClass.SERVER_ERROR, "upstream answer has no content");
        }
        StringBuilder text = new StringBuilder();
        for (AnthropicWire.Block block : message.content()) {
            if ("text".equals(block.type()) && block.text() != null) {
                text.append(block.text());
            }
        }
        return new Completion(text.toString(), AnthropicStreamMapper.stopReason(message.stopReason()),
                usage(message.usage()));
    }

    private static Usage usage(AnthropicWire.Usage usage) {
        if (usage == null || usage.inputTokens() == null || usage.outputTokens() == null) {
            return Usage.NONE;
        }
        return Usage.reported(AnthropicStreamMapper.inputTokens(usage), usage.outputTokens());
    }

    private byte[] body(UpstreamRequest request, boolean stream) {
        return json.writeValueAsBytes(AnthropicRequests.toWire(request, stream));
    }
}
