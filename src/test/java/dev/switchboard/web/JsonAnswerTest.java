package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import tools.jackson.databind.json.JsonMapper;

class JsonAnswerTest {

    private static final ServerResponse.Context CONTEXT = new ServerResponse.Context() {
        @Override
        public List<HttpMessageWriter<?>> messageWriters() {
            return List.of();
        }

        @Override
        public List<ViewResolver> viewResolvers() {
            return List.of();
        }
    };

    @Test
    void writesA200WithItsJsonBodyItsLengthAndTheCallersHeaders() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions"));
        ServerResponse answer = JsonAnswer.ok(JsonMapper.builder().build(), Map.of("answer", "é"),
                h -> h.set("X-Switchboard-Provider", "fast")).block(Duration.ofSeconds(1));

        answer.writeTo(exchange, CONTEXT).block(Duration.ofSeconds(1));

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(exchange.getResponse().getHeaders().getContentLength()).isEqualTo(15);
        assertThat(exchange.getResponse().getHeaders().getFirst("X-Switchboard-Provider")).isEqualTo("fast");
        assertThat(exchange.getResponse().getBodyAsString().block(Duration.ofSeconds(1))).isEqualTo("{\"answer\":\"é\"}");
    }

    @Test
    void describesTheSameStatusAndHeadersItWritesToWhoeverAsks() {
        byte[] body = "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        ServerResponse answer = JsonAnswer.raw(body, h -> h.set("X-Request-Id", "req_1")).block(Duration.ofSeconds(1));

        assertThat(answer.statusCode()).isEqualTo(HttpStatus.OK);
        assertThat(answer.headers().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(answer.headers().getContentLength()).isEqualTo(body.length);
        assertThat(answer.headers().getFirst("X-Request-Id")).isEqualTo("req_1");
        assertThat(answer.cookies()).isEmpty();
    }
}
