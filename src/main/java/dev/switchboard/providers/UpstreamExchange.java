package dev.switchboard.providers;

import dev.switchboard.chat.Choice;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.ToolCall;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.sse.SseDecoder;
import dev.switchboard.providers.sse.SseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient.RequestHeadersSpec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The HTTP exchange every wire format shares: what a non-2xx answer becomes, how a stream response is
 * told apart from a JSON answer or something else, and that any other failure is classified. The
 * adapters keep only what differs per format: the request they build, the mapping of a whole answer,
 * and the mapping of stream events.
 */
public final class UpstreamExchange {

    private static final byte[] EMPTY = new byte[0];

    /** A format's reading of an error answer (status, headers, body) as the exception to fail with. */
    @FunctionalInterface
    public interface ErrorReader {
        UpstreamException read(int status, HttpHeaders headers, byte[] body);
    }

    private final ErrorReader errors;
    private final int maxLineBytes;

    public UpstreamExchange(ErrorReader errors, int maxLineBytes) {
        this.errors = errors;
        this.maxLineBytes = maxLineBytes;
    }

    /** A whole answer: the body of a 2xx mapped by {@code toCompletion}, anything else an error. */
    public Mono<Completion> complete(RequestHeadersSpec<?> request, Function<byte[], Completion> toCompletion) {
        return classified(request.exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                ? response.bodyToMono(byte[].class).map(toCompletion)
                : errorFrom(response)));
    }

    /**
     * A stream: a 2xx {@code text/event-stream} goes through the SSE decoder into {@code events} (called
     * once per response, so it may hold per-stream state); a 2xx JSON body (some upstreams answer a stream
     * request that way, with an error or a whole answer) goes to {@code json}; any other type is a server
     * error.
     */
    public Flux<ChatChunk> stream(RequestHeadersSpec<?> request, Function<Flux<SseEvent>, Flux<ChatChunk>> events,
            Function<byte[], Flux<ChatChunk>> json) {
        return classified(request.accept(MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_JSON)
                .exchangeToFlux(response -> streamFrom(response, events, json)));
    }

    /** A cheap authenticated call: any 2xx proves the key. */
    public Mono<Void> check(RequestHeadersSpec<?> request) {
        return classified(request.exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                ? response.releaseBody()
                : this.<Void>errorFrom(response)));
    }

    /** The chunks a whole answer stands for, when one came where a stream was asked for. */
    public static Flux<ChatChunk> asChunks(Completion completion) {
        List<ChatChunk> chunks = new ArrayList<>(4);
        for (Choice choice : completion.choices()) {
            int index = choice.index();
            if (choice.reasoning() != null && !choice.reasoning().isEmpty()) {
                chunks.add(new ChatChunk.ReasoningDelta(index, choice.reasoning()));
            }
            if (!choice.content().isEmpty()) {
                chunks.add(new ChatChunk.Delta(index, choice.content()));
            }
            if (choice.refusal() != null && !choice.refusal().isEmpty()) {
                chunks.add(new ChatChunk.RefusalDelta(index, choice.refusal()));
            }
            for (int i = 0; i < choice.toolCalls().size(); i++) {
                ToolCall call = choice.toolCalls().get(i);
                chunks.add(new ChatChunk.ToolCallDelta(index, i, call.id(), call.name(), call.arguments()));
            }
            chunks.add(new ChatChunk.Finish(index, choice.finishReason()));
        }
        if (!completion.usage().estimated()) {
            chunks.add(new ChatChunk.UsageReport(completion.usage()));
        }
        return Flux.fromIterable(chunks);
    }

    private Flux<ChatChunk> streamFrom(ClientResponse response, Function<Flux<SseEvent>, Flux<ChatChunk>> events,
            Function<byte[], Flux<ChatChunk>> json) {
        if (!response.statusCode().is2xxSuccessful()) {
            return this.<ChatChunk>errorFrom(response).flux();
        }
        MediaType type = response.headers().contentType().orElse(MediaType.TEXT_EVENT_STREAM);
        if (MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
            return response.bodyToMono(byte[].class).flatMapMany(json);
        }
        if (!MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type)) {
            return response.releaseBody().then(Mono.<ChatChunk>error(UpstreamException.of(
                    ErrorClass.SERVER_ERROR, "upstream answered " + type + " where a stream was expected"))).flux();
        }
        Flux<DataBuffer> body = response.bodyToFlux(DataBuffer.class);
        return Flux.defer(() -> events.apply(SseDecoder.decode(body, maxLineBytes)));
    }

    private <T> Mono<T> errorFrom(ClientResponse response) {
        return response.bodyToMono(byte[].class)
                .defaultIfEmpty(EMPTY)
                .flatMap(bytes -> Mono.error(errors.read(response.statusCode().value(),
                        response.headers().asHttpHeaders(), bytes)));
    }

    private static <T> Mono<T> classified(Mono<T> exchange) {
        return exchange.onErrorMap(e -> !(e instanceof UpstreamException), UpstreamFailures::classify);
    }

    private static <T> Flux<T> classified(Flux<T> exchange) {
        return exchange.onErrorMap(e -> !(e instanceof UpstreamException), UpstreamFailures::classify);
    }
}
