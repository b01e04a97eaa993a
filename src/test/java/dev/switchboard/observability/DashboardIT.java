package dev.switchboard.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.testsupport.WsProbe;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard ({@code ops/grafana/dashboards/switchboard.json}) asks only for metrics the gateway
 * exports: after a request of each kind (JSON, SSE, WebSocket, OpenAI and Anthropic formats, a task, a
 * cached task, a background job, a fallback, a request every candidate fails), every metric name in its queries is in {@code /actuator/prometheus}.
 */
@GatewayIT
class DashboardIT {

    private static final Path DASHBOARD = Path.of("ops/grafana/dashboards/switchboard.json");
    /** PromQL words that are not metric names. */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan");
    private static final Pattern NAME = Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()");

    @Autowired
    WebTestClient http;

    @LocalServerPort
    int port;

    @Test
    void everyMetricTheDashboardQueriesIsExportedAfterARequestOfEachKind() throws IOException {
        requestsOfEachKind();
        Set<String> exported = exportedNames(http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody());

        Map<String, Set<String>> queried = queriedNames(JsonMapper.shared().readTree(Files.readString(DASHBOARD)));

        assertThat(queried).as("the dashboard has queries").hasSizeGreaterThan(10);
        Set<String> all = new LinkedHashSet<>();
        queried.values().forEach(all::addAll);
        assertThat(all).as("names found in the queries").contains("switchboard_requests_seconds_count",
                "switchboard_ttft_seconds_bucket", "switchboard_key_state", "resilience4j_circuitbreaker_state");
        List<String> missing = new ArrayList<>();
        queried.forEach((panel, names) -> names.stream().filter(name -> !exported.contains(name))
                .forEach(name -> missing.add(panel + ": " + name)));
        assertThat(missing).as("metrics the dashboard asks for that /actuator/prometheus does not have").isEmpty();
    }

    @Test
    void countsLogEventsWithoutATurboFilterOnEveryLevelCheck() {
        double before = warnEvents();

        LoggerFactory.getLogger(DashboardIT.class).warn("a warning the log event counter must see");

        assertThat(warnEvents()).isEqualTo(before + 1);
        assertThat(((LoggerContext) LoggerFactory.getILoggerFactory()).getTurboFilterList())
                .as("turbo filters, which run on every isDebugEnabled() of Reactor Netty and Spring").isEmpty();
    }

    private double warnEvents() {
        String scrape = http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        return scrape.lines().filter(line -> line.startsWith("logback_events_total{") && line.contains("level=\"warn\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow();
    }

    @Test
    void aQueryOfAMetricThatDoesNotExistWouldBeCaught() {
        assertThat(names("sum by (surface) (rate(switchboard_no_such_metric_total{instance=~\"$instance\"}[5m]))"))
                .containsExactly("switchboard_no_such_metric_total");
        assertThat(names("clamp_min(max by (provider, key) (switchboard_key_cooldown_until{a=\"b\"}) - time(), 0) / 1e-9"))
                .containsExactly("switchboard_key_cooldown_until");
    }

    private void requestsOfEachKind() {
        String chat = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        post("/api/chat", "{" + chat + "}", 200);
        post("/api/chat/stream", "{" + chat + "}", 200);
        post("/v1/chat/completions", "{\"model\":\"auto\"," + chat + "}", 200);
        post("/v1/chat/completions", "{\"model\":\"auto\",\"stream\":true," + chat + "}", 200);
        post("/v1/messages", "{\"model\":\"claude/claude-1\",\"max_tokens\":16," + chat + "}", 200);
        post("/api/v1/brain/process", "{\"task_type\":\"generic\",\"input_data\":\"Say hello\"}", 200);
        // a task the cache answers the second time, and a background job
        post("/api/v1/brain/process", "{\"task_type\":\"cached_summary\",\"input_data\":\"the dashboard\"}", 200);
        post("/api/v1/brain/process", "{\"task_type\":\"cached_summary\",\"input_data\":\"the dashboard\"}", 200);
        post("/api/v1/brain/jobs", "{\"task_type\":\"generic\",\"input_data\":\"Say hello\"}", 202);
        // a fallback over keys (the first two fail), and a request every candidate fails
        post("/api/chat/stream", "{\"provider\":\"keyfail\"," + chat + "}", 200);
        post("/api/chat", "{\"provider\":\"allfail\"," + chat + "}", 503);
        WsProbe.Seen socket = WsProbe.talk(URI.create("ws://127.0.0.1:" + port + "/api/chat/ws"), new HttpHeaders(),
                List.of("{\"id\":\"d\"," + chat + "}"), replies -> replies.stream().anyMatch(r -> r.contains("\"done\"")),
                Duration.ofSeconds(10));
        assertThat(socket.replies()).anyMatch(reply -> reply.contains("\"type\":\"done\""));
    }

    private void post(String path, String body, int status) {
        http.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isEqualTo(status).expectBody(String.class).returnResult();
    }

    private static Set<String> exportedNames(String scrape) {
        Set<String> names = new LinkedHashSet<>();
        for (String line : scrape.lines().toList()) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
                names.add(line.substring(0, end));
            }
        }
        return names;
    }

    /** Metric names per panel title (and the instance variable's query). */
    private static Map<String, Set<String>> queriedNames(JsonNode dashboard) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        });
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                out.computeIfAbsent(panel.path("title").asString(), k -> new LinkedHashSet<>())
                        .addAll(names(target.path("expr").asString()));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            Matcher values = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)")
                    .matcher(variable.path("definition").asString());
            if (values.find()) {
                out.put("variable " + variable.path("name").asString(), Set.of(values.group(1)));
            }
        }
        return out;
    }

    /** The metric names of one PromQL expression: what is left once strings, matchers, ranges and groupings go. */
    static Set<String> names(String expr) {
        String bare = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = NAME.matcher(bare);
        while (matcher.find()) {
            if (!KEYWORDS.contains(matcher.group(1))) {
                names.add(matcher.group(1));
            }
        }
        return names;
    }
}
