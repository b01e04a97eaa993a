package dev.switchboard.simulator;

import dev.switchboard.config.SimulatorProperties;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The built-in provider simulator: a real HTTP server on loopback that answers like a provider,
 * streams with configurable timing, and plays the fault its API key asks for ({@link SimulatorKey}).
 * It speaks three wire formats, each with its own error bytes for every fault key:
 *
 * <ul>
 *   <li>OpenAI: {@code POST /v1/chat/completions}, {@code GET /v1/models} (with {@code Authorization});
 *   <li>Anthropic: {@code POST /v1/messages}, {@code GET /v1/models} (with {@code x-api-key});
 *   <li>Gemini: {@code POST /v1beta/models/{model}:generateContent} and
 *       {@code :streamGenerateContent}, {@code GET /v1beta/models}.
 * </ul>
 *
 * Its counters are at {@code /sim/stats}.
 */
public final class SimulatorServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatorServer.class);

    /** Models whose name starts with this do not exist: each format's 404 (see the README's fault table). */
    static final String MISSING_MODEL = "missing-";

    private final SimulatorProperties settings;
    private final JsonMapper json;
    private final SimulatorStats stats = new SimulatorStats();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong toolCallIds = new AtomicLong();
    private final OpenAiPlayer openAi;
    private final AnthropicPlayer anthropic;
    private final GeminiPlayer gemini;
    private final DisposableServer server;
    private final Clock clock;
    private final PrefixCache prefixes;

    private SimulatorServer(SimulatorProperties settings, JsonMapper json, Clock clock) {
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.prefixes = new PrefixCache(clock);
        this.openAi = new OpenAiPlayer(json);
        this.anthropic = new AnthropicPlayer(json);
        this.gemini = new GeminiPlayer(json);
        this.server = HttpServer.create()
                .host(settings.host())
                .port(settings.port())
                // HTTP/1.1, and HTTP/2 without TLS (prior knowledge or upgrade) for a gateway with
                // switchboard.routing.upstream-http2: many streams over a few connections
                .protocol(HttpProtocol.HTTP11, HttpProtocol.H2C)
                .route(routes -> routes
                        .post("/v1/chat/completions", (req, res) -> answer(openAi, req, res))
                        .post("/v1/messages", (req, res) -> answer(anthropic, req, res))
                        .post("/v1beta/models/{model}:generateContent", (req, res) -> answer(gemini, req, res))
                        .post("/v1beta/models/{model}:streamGenerateContent", (req, res) -> answer(gemini, req, res))
                        // OpenAI and Anthropic share this path; the auth header tells them apart
                        .get("/v1/models", (req, res) -> models(
                                req.requestHeaders().contains("x-api-key") ? anthropic : openAi, req, res))
                        .get("/v1beta/models", (req, res) -> models(gemini, req, res))
                        .get("/sim/stats", this::statsPage))
                .bindNow(Duration.ofSeconds(10));
        log.info("Provider simulator listening on {}", baseUrl());
    }

    /** Binds the server (blocking, at startup only). */
    public static SimulatorServer start(SimulatorProperties settings, JsonMapper json, Clock clock) {
        return new SimulatorServer(settings, json, clock);
    }

    public int port() {
        return server.port();
    }

    /**
     * Root URL, e.g. {@code http://127.0.0.1:41234}; OpenAI- and Anthropic-format providers use
     * {@code <root>/v1}, Gemini-format providers {@code <root>/v1beta}.
     */
    public String baseUrl() {
        return "http://" + settings.host() + ":" + server.port();
    }

    public SimulatorStats stats() {
        return stats;
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }

    private Publisher<Void> models(WirePlayer player, HttpServerRequest req, HttpServerResponse res) {
        String key = player.key(req);
        SimulatorKey behaviour = SimulatorKey.parse(key);
        if (behaviour.fault() == SimulatorFault.INVALID_KEY) {
            return send(res, player.error(behaviour, call(player, key, null, false, "models")));
        }
        return res.header(HttpHeaderNames.CONTENT_TYPE, "application/json").sendString(Mono.just(player.models()));
    }

    private Publisher<Void> statsPage(HttpServerRequest req, HttpServerResponse res) {
        return res.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .sendString(Mono.fromSupplier(() -> json.writeValueAsString(stats.snapshot())));
    }

    private Mono<Void> answer(WirePlayer player, HttpServerRequest req, HttpServerResponse res) {
        String key = player.key(req);
        stats.called(key);
        SimulatorKey fault = SimulatorKey.parse(key).roll(ThreadLocalRandom.current(), settings.faults());
        return req.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap(bytes -> {
            JsonNode body;
            try {
                body = json.readTree(bytes);
            } catch (JacksonException e) {
                return Mono.from(res.status(HttpResponseStatus.BAD_REQUEST)
                        .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .sendString(Mono.just("{\"error\":{\"message\":\"We could not parse the JSON body of your "
                                + "request.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}")));
            }
            SimulatedCall call = call(player, key, body, player.stream(req, body), player.model(req, body));
            return play(player, fault, call, res);
        });
    }

    private Mono<Void> play(WirePlayer player, SimulatorKey fault, SimulatedCall call, HttpServerResponse res) {
        if (call.model().startsWith(MISSING_MODEL)) {
            return send(res, player.modelNotFound(call));
        }
        switch (fault.fault()) {
            case DROP:
                return Mono.fromRunnable(() -> res.withConnection(connection -> connection.channel().close()));
            case RATE_LIMITED, INVALID_KEY, QUOTA_EXCEEDED, SERVER_ERROR, CONTEXT_TOO_LONG:
                return send(res, player.error(fault, call));
            default:
                break;
        }
        if (!call.stream()) {
            return switch (fault.fault()) {
                case FAIL_BEFORE_FIRST_CHUNK -> send(res, player.error(new SimulatorKey(SimulatorFault.SERVER_ERROR, 500, 0), call));
                case STALL, STALL_AFTER_CHUNKS -> tracked(Mono.<Void>never());
                default -> tracked(Mono.delay(totalTime(fault, call)))
                        .then(Mono.from(res.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                                .sendString(Mono.fromSupplier(() -> player.completion(call)))));
            };
        }
        if (fault.fault() == SimulatorFault.STALL) {
            return res.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                    .sendHeaders().then().then(tracked(Mono.<Void>never()));
        }
        return Mono.from(res.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .sendString(tracked(events(player, fault, call))));
    }

    private Flux<String> events(WirePlayer player, SimulatorKey fault, SimulatedCall call) {
        String preamble = player.streamPreamble(call);
        Flux<String> start = preamble.isEmpty() ? Flux.empty() : Flux.just(preamble);
        return switch (fault.fault()) {
            case FAIL_BEFORE_FIRST_CHUNK -> start.concatWith(
                    Mono.delay(settings.firstTokenDelay()).map(t -> player.streamError(call)));
            case FAIL_AFTER_CHUNKS -> start.concatWith(tokens(player, fault, call, fault.arg()))
                    .concatWith(Mono.fromSupplier(() -> player.streamError(call)));
            case STALL_AFTER_CHUNKS -> start.concatWith(tokens(player, fault, call, fault.arg())).concatWith(Flux.never());
            default -> start.concatWith(tokens(player, fault, call, Integer.MAX_VALUE))
                    .concatWith(Mono.fromSupplier(() -> player.streamEnd(call)));
        };
    }

    /** The first {@code count} content events, timed: reasoning tokens, then the answer's. */
    private Flux<String> tokens(WirePlayer player, SimulatorKey fault, SimulatedCall call, int count) {
        List<Supplier<String>> all = pieces(player, call);
        List<Supplier<String>> pieces = all.subList(0, Math.min(count, all.size()));
        Duration first = firstTokenDelay(fault, call);
        Duration each = settings.tokenDelay();
        if (first.isZero() && each.isZero()) {
            return Flux.fromIterable(pieces).map(Supplier::get);
        }
        return Flux.range(0, pieces.size()).concatMap(i -> Mono.delay(i == 0 ? first : each)
                .map(t -> pieces.get(i).get()));
    }

    /** Every content event of a stream; a fault's chunk count counts reasoning tokens too. */
    private static List<Supplier<String>> pieces(WirePlayer player, SimulatedCall call) {
        List<Supplier<String>> pieces = new ArrayList<>(call.completionTokens() + 1);
        for (String token : call.reasoning()) {
            pieces.add(() -> player.streamReasoning(call, token));
        }
        if (call.tokens().isEmpty() && !call.reasoning().isEmpty()) {
            pieces.add(() -> player.streamAnswerStart(call));
        }
        for (int i = 0; i < call.tokens().size(); i++) {
            String token = call.tokens().get(i);
            pieces.add(i == 0 ? () -> player.streamAnswerStart(call) + player.streamToken(call, token)
                    : () -> player.streamToken(call, token));
        }
        return pieces;
    }

    private <T> Flux<T> tracked(Flux<T> stream) {
        return stream.doOnSubscribe(s -> stats.streamOpened())
                .doFinally(signal -> stats.streamClosed(signal == SignalType.CANCEL));
    }

    private <T> Mono<T> tracked(Mono<T> stream) {
        return stream.doOnSubscribe(s -> stats.streamOpened())
                .doFinally(signal -> stats.streamClosed(signal == SignalType.CANCEL));
    }

    private Duration totalTime(SimulatorKey fault, SimulatedCall call) {
        return firstTokenDelay(fault, call).plus(settings.tokenDelay().multipliedBy(Math.max(0, call.completionTokens() - 1)));
    }

    /**
     * The configured delay, or a slow key's own; the part of it that stands for reading the prompt shrinks
     * with the share of the prompt read from the key's prefix cache (up to 80 % shorter when all of it was).
     */
    private Duration firstTokenDelay(SimulatorKey fault, SimulatedCall call) {
        Duration delay = fault.fault() == SimulatorFault.SLOW ? Duration.ofMillis(fault.arg()) : settings.firstTokenDelay();
        if (call.cachedTokens() == 0) {
            return delay;
        }
        double cachedShare = (double) call.cachedTokens() / call.promptTokens();
        return Duration.ofNanos((long) (delay.toNanos() * (1 - 0.8 * cachedShare)));
    }

    private Mono<Void> send(HttpServerResponse res, WirePlayer.HttpAnswer answer) {
        res.status(answer.status()).header(HttpHeaderNames.CONTENT_TYPE, "application/json");
        answer.headers().forEach(res::header);
        return Mono.from(res.sendString(Mono.just(answer.body())));
    }

    private SimulatedCall call(WirePlayer player, String key, @Nullable JsonNode body, boolean stream, String model) {
        String prompt = body == null ? "" : player.prompt(body);
        AnswerPlan answer = body == null ? AnswerPlan.empty(settings.answerTokens())
                : AnswerPlan.of(player, model, body, settings.answerTokens(), toolCallIds::incrementAndGet);
        int promptTokens = Math.max(1, (prompt.length() + 3) / 4);
        int cachedTokens = Math.min(promptTokens, prefixes.read(key, prompt) / 4);
        return new SimulatedCall("chatcmpl-sim" + ids.incrementAndGet(), key, model, stream,
                body != null && player.includeUsage(body), promptTokens, cachedTokens, answer.reasoning(),
                answer.tokens(), answer.toolCall(), answer.finishReason(), clock.millis() / 1000);
    }
}
