package dev.switchboard.providers.openai;

import dev.switchboard.chat.ChatMessage;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Client for any OpenAI-compatible chat-completions API, bound to one key. The {@link WebClient} it
 * gets already carries the base URL, the {@code Authorization} header and any extra headers.
 */
public final class OpenAiClient implements ProviderClient {

    private static final byte[] EMPTY = new byte[0];

    private final WebClient http;
    private final URI completionsUri;
    private final ApiKey key;
    private final JsonMapper json;
    private final OpenAiErrors errors;
    private final Clock clock;
    private final int maxLineBytes;
    private final String keyCheckPath;

    /**
     * @param keyCheckPath path of the cheap call that proves a key works: {@code /models} for most, but
     *     OpenRouter's models list is public, so there it is {@code /key}
     */
    public OpenAiClient(WebClient http, String baseUrl, ApiKey key, JsonMapper json, Clock clock, int maxLineBytes,
            String keyCheckPath) {
        this.http = http;
        this.completionsUri = UpstreamUris.resolve(baseUrl, "/chat/completions");
        this.key = key;
        this.json = json;
        this.errors = new OpenAiErrors(json);
        this.clock = clock;
        this.maxLineBytes = maxLineBytes;
        this.keyCheckPath = keyCheckPath;
    }

    @Override
    public Mono<Completion> complete(UpstreamRequest request) {
        return http.post().uri(completionsUri)
                .bodyValue(body(request, false))
                .exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                        ? response.bodyToMono(byte[].class).map(this::toCompletion)
                        : errorFrom(response))
                .onErrorMap(e -> !(e instanceof UpstreamException), UpstreamFailures::classify);
    }

    @Override
    public Flux<ChatChunk> stream(UpstreamRequest request) {
        return http.post().uri(completionsUri)
                .accept(MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_JSON)
                .bodyValue(body(request, true))
                .exchangeToFlux(this::streamFrom)
                .onErrorMap(e -> !(e instanceof UpstreamException), UpstreamFailures::classify);
    }

    @Override
    public Mono<Void> checkKey() {
        return http.get().uri(keyCheckPath)
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
            OpenAiStreamMapper mapper = new OpenAiStreamMapper(json, errors, key, clock);
            return SseDecoder.decode(body, maxLineBytes)
                    .takeUntil(mapper::isDone)
                    .concatMapIterable(mapper::map)
                    .concatWith(Flux.defer(mapper::endOfStream));
        });
    }

    /** Conformance case 31: a 200 with a JSON body on a stream request is an error or a whole answer. */
    private Flux<ChatChunk> jsonInsteadOfStream(byte[] body) {
        OpenAiWire.Response response = json.readValue(body, OpenAiWire.Response.class);
        if (response.error() != null && !response.error().isNull()) {
            return Flux.error(errors.inBand(response.error(), key, clock.instant()));
        }
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
        OpenAiWire.Response response = json.readValue(body, OpenAiWire.Response.class);
        if (response.error() != null && !response.error().isNull()) {
            throw errors.inBand(response.error(), key, clock.instant());
        }
        if (response.choices() == null || response.choices().isEmpty()) {
            throw UpstreamException.of(ErrorClass.SERVER_ERROR, "upstream answer has no choices");
        }
        OpenAiWire.Choice choice = response.choices().get(0);
        String content = choice.message() == null || choice.message().content() == null ? "" : choice.message().content();
        String finish = choice.finishReason() == null ? "stop" : choice.finishReason();
        return new Completion(content, finish, OpenAiStreamMapper.usage(response.usage()));
    }

    private byte[] body(UpstreamRequest request, boolean stream) {
        List<OpenAiWire.Message> messages = new ArrayList<>(request.messages().size());
        for (ChatMessage m : request.messages()) {
            messages.add(new OpenAiWire.Message(m.role(), m.content()));
        }
        return json.writeValueAsBytes(new OpenAiWire.Request(request.model(), messages, request.maxTokens(),
                request.temperature(), stream ? Boolean.TRUE : null,
                stream ? new OpenAiWire.StreamOptions(true) : null));
    }
}
