package dev.switchboard.providers;

import dev.switchboard.chat.Choice;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.ToolCall;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.sse.SseDecoder;
import dev.switchboard.providers.sse.SseEvent;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.support.Netty4HeadersAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClientResponse;

/**
 * The HTTP exchange every wire format shares: what a non-2xx answer becomes, how a stream response is
 * told apart from a JSON answer or something else, and that any other failure is classified. The
 * adapters keep only what differs per format: the request they build, the mapping of a whole answer,
 * and the mapping of stream events. Requests go through the adapter's {@link UpstreamTransport}.
 */
public final class UpstreamExchange {

    private static final byte[] EMPTY = new byte[0];

    /** A format's reading of an error answer (status, headers, body) as the exception to fail with. */
    @FunctionalInterface
    public interface ErrorReader {
        UpstreamException read(int status, HttpHeaders headers, byte[] body);
    }

    private final UpstreamTransport transport;
    private final ErrorReader errors;
    private final int maxLineBytes;

    public UpstreamExchange(UpstreamTransport transport, ErrorReader errors, int maxLineBytes) {
        this.transport = transport;
        this.errors = errors;
        this.maxLineBytes = maxLineBytes;
    }

    /** A whole answer to a POST of {@code body}: the body of a 2xx mapped by {@code toCompletion}, anything else an error. */
    public Mono<Completion> complete(URI uri, byte[] body, Function<byte[], Completion> toCompletion) {
        return classified(transport.<Completion>exchange(HttpMethod.POST, uri, body, false, (response, content) ->
                isSuccess(response) ? bytes(response, content).map(toCompletion) : errorFrom(response, content))
                .singleOrEmpty());
    }

    /**
     * A stream: a 2xx {@code text/event-stream} goes through the SSE decoder into {@code events} (called
     * once per response, so it may hold per-stream state); a 2xx JSON body (some upstreams answer a stream
     * request that way, with an error or a whole answer) goes to {@code json}; any other type is a server
     * error.
     */
    public Flux<ChatChunk> stream(URI uri, byte[] body, Function<Flux<List<SseEvent>>, Flux<ChatChunk>> events,
            Function<byte[], Flux<ChatChunk>> json) {
        return classified(transport.exchange(HttpMethod.POST, uri, body, true,
                (response, content) -> streamFrom(response, content, events, json)));
    }

    /** A cheap authenticated GET: any 2xx proves the key. */
    public Mono<Void> check(URI uri) {
        return classified(transport.<Void>exchange(HttpMethod.GET, uri, null, false, (response, content) ->
                isSuccess(response) ? content.then() : errorFrom(response, content))
                .then());
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

    private Flux<ChatChunk> streamFrom(HttpClientResponse response, Flux<ByteBuf> content,
            Function<Flux<List<SseEvent>>, Flux<ChatChunk>> events, Function<byte[], Flux<ChatChunk>> json) {
        if (!isSuccess(response)) {
            return this.<ChatChunk>errorFrom(response, content).flux();
        }
        String header = response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE);
        MediaType type = header == null || header.isEmpty() ? MediaType.TEXT_EVENT_STREAM : contentType(header);
        if (MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
            return bytes(response, content).flatMapMany(json);
        }
        if (!MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type)) {
            return content.then(Mono.<ChatChunk>error(UpstreamException.of(
                    ErrorClass.SERVER_ERROR, "upstream answered " + type + " where a stream was expected"))).flux();
        }
        return events.apply(SseDecoder.reads(content, maxLineBytes));
    }

    /** The SSE type (nearly every stream answer) is recognised without parsing; anything else is parsed. */
    private static MediaType contentType(String header) {
        return header.startsWith("text/event-stream") && (header.length() == 17 || header.charAt(17) == ';')
                ? MediaType.TEXT_EVENT_STREAM : MediaType.parseMediaType(header);
    }

    private static boolean isSuccess(HttpClientResponse response) {
        int status = response.status().code();
        return status >= 200 && status < 300;
    }

    private static Mono<byte[]> bytes(HttpClientResponse response, Flux<ByteBuf> content) {
        return UpstreamBodyLimit.bytes(content, response.responseHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, -1));
    }

    /**
     * The error body (empty when there is none) and the headers, read by the format's {@link ErrorReader}.
     * The headers are Spring's view of Netty's, made only on this path.
     */
    private <T> Mono<T> errorFrom(HttpClientResponse response, Flux<ByteBuf> content) {
        return bytes(response, content)
                .defaultIfEmpty(EMPTY)
                .flatMap(bytes -> Mono.error(errors.read(response.status().code(),
                        new HttpHeaders(new Netty4HeadersAdapter(response.responseHeaders())), bytes)));
    }

    private static <T> Mono<T> classified(Mono<T> exchange) {
        return exchange.onErrorMap(e -> !(e instanceof UpstreamException), UpstreamFailures::classify);
    }

    private static <T> Flux<T> classified(Flux<T> exchange) {
        return exchange.onErrorMap(e -> !(e instanceof UpstreamException), UpstreamFailures::classify);
    }
}
