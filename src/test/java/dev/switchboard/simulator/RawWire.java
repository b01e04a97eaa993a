package dev.switchboard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Raw HTTP against the simulator, as an SDK would talk to a provider: a JSON body posted with the
 * format's auth headers, the answer read whole and, for streams, cut into SSE events. No gateway code.
 */
final class RawWire {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final Map<String, String> OPENAI = Map.of("Authorization", "Bearer sim-ok-1");
    static final Map<String, String> ANTHROPIC = Map.of("x-api-key", "sim-ok-1", "anthropic-version", "2023-06-01");
    static final Map<String, String> GEMINI = Map.of("x-goog-api-key", "sim-ok-1");
    static final String GEMINI_SYNC = "/v1beta/models/sim-model:generateContent";
    static final String GEMINI_STREAM = "/v1beta/models/sim-model:streamGenerateContent?alt=sse";

    /** One SSE event: its {@code event:} name (empty when none) and its {@code data:}. */
    record Event(String name, String data) {

        JsonNode json() {
            return JSON.readTree(data);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;

    RawWire(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Posts the body and returns the 200 answer's text. */
    String post(String path, Map<String, String> headers, String body) {
        String[] status = new String[1];
        String answer = HttpClient.create()
                .baseUrl(baseUrl)
                .headers(h -> {
                    headers.forEach(h::set);
                    h.set("content-type", "application/json");
                })
                .post()
                .uri(path)
                .send(ByteBufFlux.fromString(Mono.just(body)))
                .responseSingle((response, bytes) -> {
                    status[0] = Integer.toString(response.status().code());
                    return bytes.asString().defaultIfEmpty("");
                })
                .block(TIMEOUT);
        assertThat(status[0]).as("status of %s", answer).isEqualTo("200");
        return answer;
    }

    JsonNode postJson(String path, Map<String, String> headers, String body) {
        return JSON.readTree(post(path, headers, body));
    }

    /** Posts the body and cuts the streamed answer into events ({@code \n\n} or {@code \r\n\r\n} framed). */
    List<Event> stream(String path, Map<String, String> headers, String body) {
        List<Event> events = new ArrayList<>();
        for (String block : post(path, headers, body).split("\r\n\r\n|\n\n")) {
            String name = "";
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\r\n|\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
            if (!name.isEmpty() || data.length() > 0) {
                events.add(new Event(name, data.toString()));
            }
        }
        return events;
    }

    static JsonNode parse(String json) {
        return JSON.readTree(json);
    }

    /** Whether a boundary between two fragments falls between a JSON string's quotes. */
    static boolean splitsInsideAString(List<String> fragments) {
        String whole = String.join("", fragments);
        boolean[] inside = new boolean[whole.length() + 1];
        boolean in = false;
        boolean escaped = false;
        for (int i = 0; i < whole.length(); i++) {
            inside[i] = in;
            char c = whole.charAt(i);
            if (escaped) {
                escaped = false;
            } else if (in && c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in = !in;
            }
        }
        int at = 0;
        for (int i = 0; i < fragments.size() - 1; i++) {
            at += fragments.get(i).length();
            if (inside[at]) {
                return true;
            }
        }
        return false;
    }
}
