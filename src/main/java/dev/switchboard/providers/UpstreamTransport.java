package dev.switchboard.providers;

import dev.switchboard.support.LoopTimers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.NettyOutbound;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;

/**
 * The HTTP side of one upstream endpoint family: a base URL and the headers every request to it carries
 * (configured extra headers, {@code content-type}, the key header), over Reactor Netty's {@code HttpClient}.
 *
 * <p>Why not WebClient: per request it builds a request spec, copies its default headers into new maps (twice),
 * runs a filter chain, looks up a codec for the body and wraps the response twice, several percent of the
 * gateway's CPU at saturation for a JSON body the adapter has already serialized (docs/PERFORMANCE.md). Here
 * everything that does not depend on the request is built once: the header set (a Netty {@link HttpHeaders}
 * added to each request in one step, never handed out, so never changed), the endpoint URIs, the client (from
 * {@link UpstreamClients}, which picks the caller's event loop). Per request there is the call, the body
 * buffer wrapping the adapter's bytes, and, with tracing on, the attempt's {@code traceparent}
 * ({@link UpstreamHeaders}), set on that request only.
 *
 * <p>Every response body is counted against {@code switchboard.routing.max-stream-bytes}
 * ({@link UpstreamBodyLimit#count}) before the receiver sees it. {@link #toString()} names the base URL only:
 * the headers hold the key.
 */
public final class UpstreamTransport {

    /** What a stream request accepts: events, or the JSON some upstreams answer a stream request with. */
    static final AsciiString STREAM_ACCEPT = AsciiString.cached("text/event-stream, application/json");

    /** Distinct paths whose URIs are kept (model names are part of some paths; beyond this they are parsed per call). */
    private static final int MAX_CACHED_URIS = 256;
    /** The end of the message of Reactor Netty's HTTP/2 pool when a connection it handed out has no stream free. */
    private static final String MAX_ACTIVE_STREAMS = "Max active streams is reached.";
    /**
     * How often a call that met a connection with no stream free yet ({@link #streamNotFreeYet}) asks the pool
     * again, waiting 1, 2, 4, 8, then 16 ms (the resets take a turn or two of the event loop to be written).
     * Nothing was sent, so nothing is sent twice, and it is not the key's fault; after the last try the failure
     * goes on as a network failure.
     */
    private static final int STREAM_RETRIES = 5;

    /** Headers Reactor Netty sets before the request reaches {@link #send}; a fixed header of the same name replaces it. */
    private static final List<AsciiString> CLIENT_DEFAULTS = List.of(HttpHeaderNames.USER_AGENT, HttpHeaderNames.HOST,
            HttpHeaderNames.ACCEPT);

    private final UpstreamClients clients;
    private final String baseUrl;
    private final HttpHeaders fixed;
    private final List<AsciiString> replacedDefaults;
    private final long maxBodyBytes;
    private final Map<String, URI> uris = new ConcurrentHashMap<>();

    /**
     * @param headers the headers of every request, in order; a later one replaces an earlier one of the same
     *     name (so the key header, given last, cannot be replaced by a configured one)
     * @param maxBodyBytes {@code switchboard.routing.max-stream-bytes}: the cap on every response body
     */
    public UpstreamTransport(UpstreamClients clients, String baseUrl, List<Map.Entry<String, String>> headers,
            long maxBodyBytes) {
        this.clients = clients;
        this.baseUrl = baseUrl;
        this.maxBodyBytes = maxBodyBytes;
        DefaultHttpHeaders built = new DefaultHttpHeaders();
        headers.forEach(header -> built.set(header.getKey(), header.getValue()));
        this.fixed = built;
        List<AsciiString> replaced = new ArrayList<>(1);
        for (AsciiString name : CLIENT_DEFAULTS) {
            if (built.contains(name)) {
                replaced.add(name);
            }
        }
        this.replacedDefaults = List.copyOf(replaced);
    }

    /** {@code path} (starting with a slash, may carry a query) below the base URL; resolved once per path. */
    public URI uri(String path) {
        URI known = uris.get(path);
        if (known != null) {
            return known;
        }
        URI resolved = UpstreamUris.resolve(baseUrl, path);
        if (uris.size() < MAX_CACHED_URIS) {
            uris.putIfAbsent(path, resolved);
        }
        return resolved;
    }

    /**
     * One request; {@code receiver} gets the response and its body (counted against the cap), and the
     * connection is given back or closed when the receiver's publisher ends or is cancelled (Reactor Netty's
     * {@code response}). Nothing happens before subscription.
     *
     * @param body the request body (sent in one write with its {@code content-length}), or null for none; let go
     *     once the answer begins ({@link HeldBody}), so the returned publisher is subscribed once
     * @param stream whether the request asks for an event stream ({@code accept})
     */
    public <T> Flux<T> exchange(HttpMethod method, URI uri, byte @Nullable [] body, boolean stream,
            BiFunction<HttpClientResponse, Flux<ByteBuf>, Publisher<T>> receiver) {
        return call(method, uri, body == null ? null : new HeldBody(body), stream, receiver, 0);
    }

    /**
     * One try of an exchange. A retry as {@code onErrorResume}, not {@code retryWhen}: the operator stays for the
     * whole answer, and {@code retryWhen} builds a companion pipeline for every call.
     */
    private <T> Flux<T> call(HttpMethod method, URI uri, @Nullable HeldBody held, boolean stream,
            BiFunction<HttpClientResponse, Flux<ByteBuf>, Publisher<T>> receiver, int retried) {
        return Flux.<T>deferContextual(context -> {
            Map<String, String> attempt = UpstreamHeaders.in(context);
            RequestProgress.connecting(context);
            return clients.client(context, "https".equalsIgnoreCase(uri.getScheme())).request(method).uri(uri)
                    .send((request, out) -> {
                        RequestProgress.sent(context);
                        return send(request, out, attempt, stream, held == null ? null : held.bytes());
                    })
                    // deferred: a receiver that throws still ends inside the response, which then lets the connection go
                    .response((response, content) -> {
                        if (held != null) {
                            held.release();
                        }
                        return Flux.defer(() -> receiver.apply(response,
                                UpstreamBodyLimit.count(content, maxBodyBytes)));
                    });
        }).onErrorResume(error -> retried < STREAM_RETRIES && streamNotFreeYet(error),
                error -> Mono.delay(Duration.ofMillis(1L << retried), LoopTimers.scheduler())
                        .thenMany(call(method, uri, held, stream, receiver, retried + 1)));
    }

    /**
     * Whether Reactor Netty's HTTP/2 pool handed this call a connection that could not open a stream, twice: the
     * request never went out. It happens right after streams on a full connection were cancelled (a hedge's
     * loser, a client gone): the pool frees their places at once, Netty only once their resets are written, and
     * a call waiting for a place meets the connection still full (docs/PERFORMANCE.md, "A full connection after
     * a burst of resets, and the prompt let go"). The pool says so only in its message.
     */
    static boolean streamNotFreeYet(Throwable error) {
        return error.getClass() == IOException.class && error.getMessage() != null
                && error.getMessage().endsWith(MAX_ACTIVE_STREAMS);
    }

    /**
     * The request body, kept until the upstream's answer begins and not after.
     *
     * <p>Why: the publisher {@link #exchange} returns stays reachable for as long as the answer runs (the
     * stream's operators keep their sources, and Reactor Netty's connect step keeps the send function), so a
     * body captured directly would be kept for a whole stream: a second copy of the prompt (beside the
     * command's) for every open stream (docs/PERFORMANCE.md, "A stream kept its prompt"). Until the answer begins
     * the body must stay: the request may be sent again on a new connection when the first closed before any
     * answer. One exchange is one subscription; a second one after the answer began fails instead of sending
     * an empty body.
     */
    private static final class HeldBody {

        private volatile byte @Nullable [] bytes;

        HeldBody(byte[] bytes) {
            this.bytes = bytes;
        }

        byte[] bytes() {
            byte[] body = bytes;
            if (body == null) {
                throw new IllegalStateException("the request body was let go when its answer began: an upstream "
                        + "exchange is subscribed once");
            }
            return body;
        }

        void release() {
            bytes = null;
        }
    }

    private NettyOutbound send(HttpClientRequest request, NettyOutbound out, Map<String, String> attempt,
            boolean stream, byte @Nullable [] body) {
        HttpHeaders headers = request.requestHeaders();
        for (int i = 0; i < replacedDefaults.size(); i++) {
            headers.remove(replacedDefaults.get(i));
        }
        // one bulk add of the prebuilt set: no per-header validation, no copy of it per request
        headers.add(fixed);
        if (stream) {
            headers.set(HttpHeaderNames.ACCEPT, STREAM_ACCEPT);
        }
        if (!attempt.isEmpty()) {
            attempt.forEach(headers::set);
        }
        return body == null ? out : out.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)));
    }

    @Override
    public String toString() {
        return "UpstreamTransport[" + baseUrl + "]";
    }
}
