package dev.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.MalformedRequests;
import dev.switchboard.testsupport.SecuredGateway;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Property-based fuzzing of every endpoint of the running, secured gateway, over HTTP and WebSocket,
 * with thousands of generated bad requests ({@link MalformedRequests}): never a 5xx, never a hang (every
 * answer within the client's timeout), never a stack trace or a Java class name in a body, always the
 * OpenAI error shape for an error, and after each property a good request still answers.
 */
class BadInputFuzzIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** {@code switchboard.security.websocket.max-frame-size} of the secured profile. */
    private static final int MAX_SOCKET_MESSAGE = 16 * 1024;
    private static final Pattern LEAKED_INTERNALS = Pattern.compile(
            "\\tat |\\bat [a-z]+\\.[a-z]+\\.|Exception\\b|(java|javax|jdk|sun|dev\\.switchboard|org\\.springframework"
                    + "|reactor|io\\.netty|tools\\.jackson|com\\.fasterxml|org\\.apache)\\.[a-z]|[A-Z][a-zA-Z]+\\$[A-Z]");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, Map<Integer, Integer>> STATUSES = new ConcurrentHashMap<>();
    private static final AtomicLong STARTED = new AtomicLong();

    private static SecuredGateway gateway;
    private static String key;
    private static HttpClient http;

    @BeforeContainer
    static void start() {
        gateway = SecuredGateway.get();
        key = gateway.createClient("fuzzer", 0, 0, 0);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        STARTED.set(System.nanoTime());
    }

    @AfterProperty
    void aGoodRequestStillAnswers() throws Exception {
        HttpResponse<String> response = send("/api/chat", "Bearer " + key, "application/json",
                SecuredGateway.chat("still there?").getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("content").asString()).isNotEmpty();
    }

    @AfterContainer
    static void report() {
        long total = STATUSES.values().stream().flatMap(m -> m.values().stream()).mapToLong(Integer::longValue).sum();
        StringBuilder out = new StringBuilder("Fuzz: " + total + " requests in "
                + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - STARTED.get()) + " s");
        new TreeMap<>(STATUSES).forEach((endpoint, statuses) -> out.append("\n  ").append(endpoint).append(": ")
                .append(statuses.values().stream().mapToInt(Integer::intValue).sum()).append(" tries, by status ")
                .append(new TreeMap<>(statuses)));
        System.out.println(out);
    }

    @Property(tries = 2000)
    void apiChat(@ForAll("chatBodies") MalformedRequests.Body body) throws Exception {
        post("POST /api/chat", "/api/chat", body);
    }

    @Property(tries = 1000)
    void apiChatStream(@ForAll("chatBodies") MalformedRequests.Body body) throws Exception {
        post("POST /api/chat/stream", "/api/chat/stream", body);
    }

    @Property(tries = 2000)
    void openAiChatCompletions(@ForAll("openAiBodies") MalformedRequests.Body body) throws Exception {
        post("POST /v1/chat/completions", "/v1/chat/completions", body);
    }

    @Property(tries = 1000)
    void taskProcessJson(@ForAll("taskBodies") MalformedRequests.Body body) throws Exception {
        post("POST /api/v1/brain/process (JSON)", "/api/v1/brain/process", body);
    }

    @Property(tries = 800)
    void taskProcessMultipart(@ForAll("forms") MalformedRequests.Body body) throws Exception {
        post("POST /api/v1/brain/process (multipart)", "/api/v1/brain/process", body);
    }

    @Property(tries = 400)
    void taskProcessStream(@ForAll("taskBodies") MalformedRequests.Body body) throws Exception {
        post("POST /api/v1/brain/process/stream", "/api/v1/brain/process/stream", body);
    }

    @Property(tries = 500)
    void adminClients(@ForAll("clientBodies") MalformedRequests.Body body) throws Exception {
        check("POST /admin/clients", body, send("/admin/clients", "Bearer " + SecuredGateway.ADMIN_TOKEN,
                body.contentType(), body.bytes()));
    }

    /** Providers that do not exist (fuzzing must not change the pools other tests use). */
    @Property(tries = 500)
    void adminKeyActions(@ForAll("adminPaths") String path, @ForAll("keyBodies") MalformedRequests.Body body)
            throws Exception {
        check("POST /admin/providers/*/keys, /admin/keys/*", body, send(path, "Bearer " + SecuredGateway.ADMIN_TOKEN,
                body.contentType(), body.bytes()));
    }

    @Property(tries = 800)
    void credentials(@ForAll("authorizations") String authorization, @ForAll("protectedPaths") String path)
            throws Exception {
        MalformedRequests.Body body = new MalformedRequests.Body("application/json",
                SecuredGateway.chat("hi").getBytes(StandardCharsets.UTF_8), "auth " + authorization);
        HttpResponse<String> response = send(path, authorization, body.contentType(), body.bytes());
        check("credentials", body, response);
        assertThat(response.statusCode()).as("%s on %s", authorization, path).isIn(401, 403);
    }

    @Property(tries = 500)
    void getPaths(@ForAll("odd") String suffix, @ForAll("readPaths") String prefix) throws Exception {
        String path = prefix + URLEncoder.encode(suffix, StandardCharsets.UTF_8).replace("+", "%20");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .header("Authorization", "Bearer " + key).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        check("GET odd paths", new MalformedRequests.Body(null, new byte[0], "GET " + path), response);
    }

    @Property(tries = 1000)
    void webSocketMessages(@ForAll("socketMessages") String message, @ForAll boolean binary) throws Exception {
        String safe = new String(message.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        FirstReply listener = new FirstReply();
        WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/api/chat/ws?access_token=" + key), listener)
                .get(10, TimeUnit.SECONDS);
        try {
            boolean oversized = safe.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_MESSAGE;
            String reply;
            try {
                if (binary) {
                    socket.sendBinary(ByteBuffer.wrap(safe.getBytes(StandardCharsets.UTF_8)), true).get(10, TimeUnit.SECONDS);
                } else {
                    socket.sendText(safe, true).get(10, TimeUnit.SECONDS);
                }
                reply = listener.first.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // the server may drop an oversized message's connection while the client is still writing it
                assertThat(oversized).as("connection failed for %s: %s", cut(safe), e.getCause()).isTrue();
                count("WebSocket /api/chat/ws", 1006);
                return;
            }
            if (reply.startsWith("close ")) {
                int code = Integer.parseInt(reply.substring(6));
                count("WebSocket /api/chat/ws", code);
                // an oversized message sent in fragments is closed by Reactor Netty's aggregator without a status
                assertThat(code).as("closed for %s", cut(safe)).isIn(oversized ? List.of(1009, 1005) : List.of(1000, 1008));
            } else {
                count("WebSocket /api/chat/ws", 101);
                assertThat(LEAKED_INTERNALS.matcher(reply).find()).as(reply).isFalse();
                JsonNode node = JSON.readTree(reply);
                assertThat(node.path("type").asString()).as(reply).isIn("chunk", "done", "error", "cancelled");
                if ("error".equals(node.path("type").asString())) {
                    assertThat(node.path("error").path("code").asString()).as(reply).isNotEmpty();
                    assertThat(node.path("error").path("type").asString()).as(reply).isNotEqualTo("server_error");
                }
            }
        } finally {
            socket.abort();
        }
    }

    @Provide
    Arbitrary<MalformedRequests.Body> chatBodies() {
        return MalformedRequests.json(MalformedRequests.CHAT);
    }

    @Provide
    Arbitrary<MalformedRequests.Body> openAiBodies() {
        return MalformedRequests.json(MalformedRequests.OPENAI);
    }

    @Provide
    Arbitrary<MalformedRequests.Body> taskBodies() {
        return MalformedRequests.json(MalformedRequests.TASK);
    }

    @Provide
    Arbitrary<MalformedRequests.Body> clientBodies() {
        return MalformedRequests.json(MalformedRequests.CLIENT);
    }

    @Provide
    Arbitrary<MalformedRequests.Body> keyBodies() {
        return MalformedRequests.json(Map.of("key", "\"sim-ok-fuzz-000001\"", "provider", "\"fuzz-none\"",
                "alias", "\"fuzz-none#1\""));
    }

    @Provide
    Arbitrary<MalformedRequests.Body> forms() {
        return MalformedRequests.multipart();
    }

    @Provide
    Arbitrary<String> socketMessages() {
        return MalformedRequests.socketMessage();
    }

    @Provide
    Arbitrary<String> adminPaths() {
        Arbitrary<String> provider = Arbitraries.strings().alpha().numeric().ofMaxLength(12).map(s -> "fuzz-" + s);
        return Arbitraries.oneOf(provider.map(p -> "/admin/providers/" + p + "/keys"),
                Arbitraries.of("/admin/keys/disable", "/admin/keys/enable"));
    }

    @Provide
    Arbitrary<String> authorizations() {
        String valid = "sb-0123456789abcdef-" + "A".repeat(43);
        return Arbitraries.oneOf(
                Arbitraries.of("", "Bearer", "Bearer ", "bearer  ", "Basic YWRtaW46YWRtaW4=", "Bearer sb-", "Bearer " + valid,
                        "Bearer " + SecuredGateway.ADMIN_TOKEN.substring(1), "Bearer " + SecuredGateway.ADMIN_TOKEN + "x",
                        "Bearer " + SecuredGateway.ADMIN_TOKEN.toUpperCase(), "Token " + SecuredGateway.ADMIN_TOKEN),
                Arbitraries.strings().ascii().ofMaxLength(200).map(s -> "Bearer " + s.replaceAll("[\\r\\n\\x00-\\x1f\\x7f]", "")),
                Arbitraries.strings().withCharRange('!', '~').ofLength(43).map(s -> "Bearer sb-0123456789abcdef-" + s));
    }

    @Provide
    Arbitrary<String> protectedPaths() {
        return Arbitraries.of("/admin/clients", "/admin/keys", "/api/chat", "/v1/chat/completions", "/actuator/prometheus",
                "/api/v1/brain/process");
    }

    @Provide
    Arbitrary<String> readPaths() {
        return Arbitraries.of("/api/v1/brain/results/", "/v1/models/", "/api/chat/", "/v1/");
    }

    @Provide
    Arbitrary<String> odd() {
        return MalformedRequests.oddText().map(s -> s.length() > 300 ? s.substring(0, 300) : s);
    }

    private void post(String endpoint, String path, MalformedRequests.Body body) throws Exception {
        check(endpoint, body, send(path, "Bearer " + key, body.contentType(), body.bytes()));
    }

    private static HttpResponse<String> send(String path, String authorization, String contentType, byte[] body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null && !authorization.isEmpty()) {
            request.header("Authorization", authorization);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static void check(String endpoint, MalformedRequests.Body request, HttpResponse<String> response) {
        count(endpoint, response.statusCode());
        String body = response.body();
        assertThat(response.statusCode()).as("%s %s -> %s", endpoint, request, cut(body)).isLessThan(500);
        assertThat(LEAKED_INTERNALS.matcher(body).find()).as("internals in %s -> %s", request, cut(body)).isFalse();
        if (response.statusCode() >= 400) {
            JsonNode error = JSON.readTree(body).path("error");
            assertThat(error.path("message").asString()).as(body).isNotEmpty();
            assertThat(error.path("type").asString()).as(body).isNotEmpty();
            assertThat(error.path("code").asString()).as(body).isNotEmpty();
        }
    }

    private static void count(String endpoint, int status) {
        STATUSES.computeIfAbsent(endpoint, e -> new ConcurrentHashMap<>()).merge(status, 1, Integer::sum);
    }

    private static String cut(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    /** The first thing the server says: a whole text message, or {@code close <code>}. */
    private static final class FirstReply implements WebSocket.Listener {

        final CompletableFuture<String> first = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                first.complete(text.toString());
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
            first.complete("close " + status);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            first.completeExceptionally(error);
        }
    }
}
