package dev.switchboard.testsupport;

import dev.switchboard.SwitchboardApplication;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import tools.jackson.databind.JsonNode;

/**
 * The gateway as it runs outside the demo: admin token required, client keys required, small limits
 * ({@code application-security.yml}), structured JSON logs (see {@link #restoreLogging()}), and traces exported over OTLP to a collector in
 * the test ({@link OtlpReceiver}). One instance per test JVM, started on first use and shared by the
 * security tests, the fuzz test (a jqwik engine, outside Spring's test context cache), the secret scan and
 * the tracing and log tests; its output is captured from before its first log line ({@link OutputTee}).
 * Started with it: the collector, and a fake OpenAI-format upstream ({@link FakeUpstream}) behind the
 * provider {@code traced}, whose first key is revoked (401) and whose second answers a stream.
 */
public final class SecuredGateway {

    public static final String ADMIN_TOKEN = "adm_SCAN_9d2f7a1c5e8b3f60_token";
    /** Every provider key of the profile, for the secret scan. */
    public static final List<String> PROVIDER_KEYS = List.of(
            "sim-ok-SCANsec-2b7e151628aed2a6",
            "sim-invalid-SCANopenai-7f3a9c2e1b5d4a60", "sim-ok-SCANopenai-4e8d2a6c0b1f9e37",
            "sim-invalid-SCANclaude-1c9e5b3d7a2f8e46", "sim-ok-SCANclaude-8a4c2e6b0d9f1a35",
            "sim-invalid-SCANgemini-5d3b9f1e7c4a2b68", "sim-ok-SCANgemini-3f7b1d9e5a2c8d04",
            "sim-invalid-SCANdead-9e2a6c4f8b1d3e57", "sim-fail-after-2-SCANmid-6b8d0f2a4c6e8a19",
            "sim-stall-after-1-SCANslow-0c2e4a6b8d1f3a57",
            SecuredGateway.TRACED_REVOKED_KEY, SecuredGateway.TRACED_KEY, "sim-stall-after-1-TRACEslow-5e7a9c1b3d2f4e60");
    /** The keys of the provider {@code traced} (priority order), played by the fake upstream. */
    public static final String TRACED_REVOKED_KEY = "sk-trace-revoked-5c1e9a7d3f2b6e84";
    public static final String TRACED_KEY = "sk-trace-answers-8d4f2b6a0c1e3f57";

    private static SecuredGateway instance;
    private static RuntimeException failed;

    private final ConfigurableApplicationContext context;
    private final int port;
    private final OtlpReceiver collector = OtlpReceiver.start();
    private final FakeUpstream upstream = FakeUpstream.start()
            .on(TRACED_REVOKED_KEY, FakeUpstream.Script.json(401, Wire.OPENAI_401))
            .on(TRACED_KEY, FakeUpstream.Script.sse().write(Wire.OPENAI_HAPPY));

    private SecuredGateway() {
        OutputTee.install();
        context = new SpringApplicationBuilder(SwitchboardApplication.class)
                .profiles("security")
                .run("--server.port=0",
                        "--management.opentelemetry.tracing.export.otlp.endpoint=" + collector.endpoint(),
                        "--traced-upstream=" + upstream.url(""));
        port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    public static synchronized SecuredGateway get() {
        if (failed != null) {
            throw new IllegalStateException("the secured gateway failed to start earlier", failed);
        }
        if (instance == null) {
            try {
                instance = new SecuredGateway();
            } catch (RuntimeException e) {
                failed = e;
                throw e;
            }
        }
        return instance;
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** The collector the gateway exports its spans to. */
    public OtlpReceiver collector() {
        return collector;
    }

    /** The fake upstream behind the provider {@code traced}. */
    public FakeUpstream tracedUpstream() {
        return upstream;
    }

    /**
     * Sets up Spring Boot's logging again as this gateway's configuration says (JSON lines). The logging system
     * is one per JVM and set up once, by the first context that starts (often the shared test context, in
     * plain text), so a test that reads this gateway's log lines calls this first; the JVM logs this way from
     * then on.
     */
    public void restoreLogging() {
        LoggingSystem.get(SecuredGateway.class.getClassLoader()).cleanUp();
        SpringApplication application = new SpringApplication(SwitchboardApplication.class);
        DefaultBootstrapContext bootstrap = new DefaultBootstrapContext();
        LoggingApplicationListener logging = new LoggingApplicationListener();
        logging.onApplicationEvent(new ApplicationStartingEvent(bootstrap, application, new String[0]));
        logging.onApplicationEvent(new ApplicationEnvironmentPreparedEvent(bootstrap, application, new String[0],
                context.getEnvironment()));
    }

    /** A client of the gateway; the filters see every exchange (the secret scan records them). */
    public WebTestClient http(ExchangeFilterFunction... filters) {
        WebTestClient.Builder builder = WebTestClient.bindToServer().baseUrl(baseUrl()).responseTimeout(Duration.ofSeconds(30));
        for (ExchangeFilterFunction filter : filters) {
            builder.filter(filter);
        }
        return builder.build();
    }

    /** The operator's view: every request carries the admin token. */
    public WebTestClient admin(ExchangeFilterFunction... filters) {
        return http(filters).mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + ADMIN_TOKEN).build();
    }

    /** Creates a client through the admin API and answers its key. */
    public String createClient(String name, int perMinute, long dailyRequests, long dailyTokens) {
        return createClientAnswer(admin(), name, perMinute, dailyRequests, dailyTokens).path("key").asString();
    }

    public static JsonNode createClientAnswer(WebTestClient admin, String name, int perMinute, long dailyRequests,
            long dailyTokens) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("requests_per_minute", perMinute);
        body.put("daily_requests", dailyRequests);
        body.put("daily_tokens", dailyTokens);
        return admin.post().uri("/admin/clients").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange()
                .expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    /** A body for {@code /api/chat} and the WebSocket. */
    public static String chat(String content) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }
}
