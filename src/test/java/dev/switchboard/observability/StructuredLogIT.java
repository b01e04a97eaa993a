package dev.switchboard.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.OutputTee;
import dev.switchboard.testsupport.SecuredGateway;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code logging.structured.format.console: ecs} (the secured gateway's setting): one JSON object per line,
 * and the lines the gateway writes for a request carry its request id and trace id as fields.
 */
class StructuredLogIT {

    private static final JsonMapper JSON = JsonMapper.shared();

    private final SecuredGateway gateway = SecuredGateway.get();

    @Test
    void theLinesWrittenForARequestAreJsonWithItsRequestIdAndTraceId() {
        gateway.admin().post().uri("/admin/keys/enable").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"provider\":\"traced\",\"alias\":\"traced#1\"}").exchange().expectStatus().isOk();
        String clientKey = gateway.createClient("logs-" + System.nanoTime(), 0, 0, 0);
        gateway.restoreLogging();
        int from = OutputTee.captured().length();

        // the first key is revoked: the gateway logs that the key is now invalid while serving this request
        EntityExchangeResult<String> result = gateway.http().post().uri("/api/chat/stream")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + clientKey)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"provider\":\"traced\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult();
        String requestId = result.getResponseHeaders().getFirst("X-Request-Id");
        String traceId = result.getResponseHeaders().getFirst("X-Trace-Id");
        List<String> lines = OutputTee.captured().substring(from).lines().toList();

        List<String> aboutTheRequest = lines.stream()
                .filter(line -> line.contains("traced#1") || line.contains(requestId)).toList();
        assertThat(aboutTheRequest).as("the key's new state is logged").anyMatch(line -> line.contains("is now invalid"));
        assertThat(aboutTheRequest).allSatisfy(line -> {
            JsonNode json = JSON.readTree(line);
            assertThat(json.path("requestId").asString()).isEqualTo(requestId);
            assertThat(json.path("traceId").asString()).isEqualTo(traceId);
            assertThat(json.path("@timestamp").isMissingNode()).isFalse();
            assertThat(json.path("log").path("level").asString()).isNotEmpty();
            assertThat(json.path("ecs").path("version").asString()).isNotEmpty();
        });
        assertThat(lines.stream().filter(line -> line.startsWith("{")))
                .as("every log line is one JSON object").allSatisfy(line -> assertThat(JSON.readTree(line).isObject()).isTrue());
    }
}
