package dev.switchboard.testsupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A loopback upstream that plays scripted bytes, byte for byte. The script is chosen by the API key the
 * request carries (in {@code Authorization: Bearer}, {@code x-api-key} or {@code x-goog-api-key}), so one
 * fake can hold a failing key and the healthy key a fallback goes to.
 *
 * <p>Every {@link Script#write} is its own flushed write and, with chunked transfer encoding, its own HTTP
 * chunk: the client's decoder receives exactly those fragments, however the OS coalesces the packets.
 * A script can also pause, stall (headers or some bytes, then silence), repeat a comment for a while,
 * abort the connection mid-body, or reset it before any header. Every request is recorded with its
 * headers, body, the connection that carried it and when that connection closed.
 */
public final class FakeUpstream implements AutoCloseable {

    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final DisposableServer server;

    private FakeUpstream() {
        this.server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle(this::handle)
                .bindNow(Duration.ofSeconds(5));
    }

    public static FakeUpstream start() {
        return new FakeUpstream();
    }

    /** {@code http://127.0.0.1:<port>} followed by {@code path}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    /** Plays {@code script} for every request made with this key. */
    public FakeUpstream on(String secret, Script script) {
        scripts.put(secret, script);
        return this;
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    /** Requests made with this key. */
    public List<Recorded> requestsWith(String secret) {
        return requests.stream().filter(r -> r.key().equals(secret)).toList();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }

    private Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        String key = keyOf(req);
        Recorded recorded = new Recorded(req.method().name(), req.uri(), key, Map.copyOf(headers(req)),
                System.nanoTime());
        req.withConnection(connection -> {
            recorded.connection = connection.channel().id().asLongText();
            connection.onDispose(recorded::closed);
        });
        return req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .flatMap(body -> {
                    recorded.body = body;
                    requests.add(recorded);
                    Script script = scripts.get(key);
                    if (script == null) {
                        return Mono.from(res.status(599).sendString(Mono.just("no script for this key")));
                    }
                    return play(script, res);
                });
    }

    private static Mono<Void> play(Script script, HttpServerResponse res) {
        if (script.resetBeforeHeaders) {
            return Mono.fromRunnable(() -> res.withConnection(connection -> {
                connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                connection.channel().close();
            }));
        }
        res.status(HttpResponseStatus.valueOf(script.status));
        script.headers.forEach(res::header);
        if (script.steps.isEmpty()) {
            return Mono.from(res.sendHeaders().then());
        }
        Flux<ByteBuf> body = Flux.fromIterable(script.steps).concatMap(step -> step.play(res));
        // headers first, on their own, so "headers then silence" is observable by the client
        return Mono.from(res.sendHeaders().then()).then(Mono.from(res.send(body, buf -> true).then()));
    }

    private static String keyOf(HttpServerRequest req) {
        String auth = req.requestHeaders().get("Authorization");
        if (auth != null && auth.startsWith("Bearer ")) {
            return auth.substring(7).trim();
        }
        String anthropic = req.requestHeaders().get("x-api-key");
        if (anthropic != null) {
            return anthropic.trim();
        }
        String gemini = req.requestHeaders().get("x-goog-api-key");
        return gemini == null ? "" : gemini.trim();
    }

    private static Map<String, String> headers(HttpServerRequest req) {
        Map<String, String> out = new ConcurrentHashMap<>();
        req.requestHeaders().forEach(e -> out.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        return out;
    }

    /** One request as the fake saw it. */
    public static final class Recorded {
        private final String method;
        private final String uri;
        private final String key;
        private final Map<String, String> headers;
        private final long receivedNanos;
        private volatile String body = "";
        private volatile String connection = "";
        private volatile long closedNanos;

        public Recorded(String method, String uri, String key, Map<String, String> headers, long receivedNanos) {
            this.method = method;
            this.uri = uri;
            this.key = key;
            this.headers = headers;
            this.receivedNanos = receivedNanos;
        }

        public String method() {
            return method;
        }

        public String uri() {
            return uri;
        }

        public String key() {
            return key;
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String body() {
            return body;
        }

        public long receivedNanos() {
            return receivedNanos;
        }

        /** The connection that carried this request (Netty's channel id). */
        public String connection() {
            return connection;
        }

        /** Whether the connection that carried this request has closed. */
        public boolean connectionClosed() {
            return closedNanos != 0;
        }

        public long closedNanos() {
            return closedNanos;
        }

        private void closed() {
            closedNanos = System.nanoTime();
        }
    }

    /** What the fake answers: a status, headers and a sequence of body steps. */
    public static final class Script {

        private final int status;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final List<Step> steps = new ArrayList<>();
        private boolean resetBeforeHeaders;

        private Script(int status) {
            this.status = status;
        }

        public static Script status(int status) {
            return new Script(status);
        }

        /** 200 with {@code text/event-stream; charset=utf-8}. */
        public static Script sse() {
            return new Script(200).header("Content-Type", "text/event-stream; charset=utf-8");
        }

        /** A status with a JSON body in one write. */
        public static Script json(int status, String body) {
            return new Script(status).header("Content-Type", "application/json").write(body);
        }

        /** Accepts the TCP connection and the request, then resets it (RST) before any byte of response. */
        public static Script resetBeforeHeaders() {
            Script script = new Script(0);
            script.resetBeforeHeaders = true;
            return script;
        }

        public Script header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** One flushed write (one HTTP chunk). */
        public Script write(String text) {
            return write(text.getBytes(StandardCharsets.UTF_8));
        }

        public Script write(byte[] bytes) {
            steps.add(res -> Mono.just(Unpooled.wrappedBuffer(bytes)));
            return this;
        }

        /** The text as several writes, cut at the given byte offsets, with a short pause between them. */
        public Script writeInPieces(String text, int... cuts) {
            return writeInPieces(text.getBytes(StandardCharsets.UTF_8), cuts);
        }

        public Script writeInPieces(byte[] bytes, int... cuts) {
            int from = 0;
            for (int cut : cuts) {
                write(Arrays.copyOfRange(bytes, from, cut));
                pause(Duration.ofMillis(5));
                from = cut;
            }
            return write(Arrays.copyOfRange(bytes, from, bytes.length));
        }

        /**
         * The text as several writes, cut where each mark's {@code |} stands, with a short pause between them
         * (as {@link #writeInPieces}): {@code "Par|is"} cuts between "Par" and "is" at the first "Paris" after
         * the previous cut. One SSE event can so arrive in several reads, cut inside its {@code data:} prefix,
         * a JSON string, an escape or its line ending.
         */
        public Script writeCut(String text, String... marks) {
            int[] cuts = new int[marks.length];
            int from = 0;
            for (int i = 0; i < marks.length; i++) {
                int bar = marks[i].indexOf('|');
                if (bar < 0) {
                    throw new IllegalArgumentException("a mark needs a | where the cut goes: " + marks[i]);
                }
                String plain = marks[i].substring(0, bar) + marks[i].substring(bar + 1);
                int at = text.indexOf(plain, from);
                if (at < 0) {
                    throw new IllegalArgumentException("mark not found after the previous cut: " + marks[i]);
                }
                from = at + bar;
                cuts[i] = text.substring(0, from).getBytes(StandardCharsets.UTF_8).length;
            }
            return writeInPieces(text.getBytes(StandardCharsets.UTF_8), cuts);
        }

        public Script pause(Duration pause) {
            steps.add(res -> Mono.delay(pause).then(Mono.<ByteBuf>empty()));
            return this;
        }

        /** Writes {@code text} every {@code every}, for {@code total}. */
        public Script repeat(String text, Duration every, Duration total) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            long times = total.toMillis() / every.toMillis();
            steps.add(res -> Flux.interval(every).take(times).map(tick -> Unpooled.wrappedBuffer(bytes)));
            return this;
        }

        /** Keeps the connection open and sends nothing more. */
        public Script stall() {
            steps.add(res -> Flux.<ByteBuf>never());
            return this;
        }

        /** Closes the connection abruptly, without ending the chunked body. */
        public Script abort() {
            steps.add(res -> Mono.fromRunnable(() -> res.withConnection(c -> c.channel().close())).then(Mono.<ByteBuf>never()));
            return this;
        }
    }

    @FunctionalInterface
    private interface Step {
        public Publisher<ByteBuf> play(HttpServerResponse res);
    }
}
