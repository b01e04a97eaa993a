package dev.switchboard.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testsupport.GatewayIT;
import dev.switchboard.usage.RequestLogWriter;
import dev.switchboard.web.RequestIds;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Without an OTLP endpoint (the shared test context) tracing is off, and off means nothing of it runs: no
 * tracing handler on Spring's observations, no OpenTelemetry tracer provider, no span, no trace id anywhere,
 * even when the caller sends a {@code traceparent}.
 */
@GatewayIT
class TracingOffIT {

    @Autowired
    WebTestClient http;

    @Autowired
    ApplicationContext context;

    @Autowired
    RequestLogWriter requestLog;

    @Autowired
    DatabaseClient database;

    @Test
    void noTracingMachineryIsThere() {
        assertThat(context.getBeansOfType(ObservationHandler.class).values())
                .noneMatch(TracingObservationHandler.class::isInstance);
        assertThat(context.getBeanNamesForType(SdkTracerProvider.class)).isEmpty();
        assertThat(context.getBean(RequestTraces.class).enabled()).isFalse();
    }

    @Test
    void aRequestHasNoTraceIdEvenWhenTheCallerSendsOne() {
        String requestId = http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .bodyValue("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().doesNotExist("X-Trace-Id")
                .expectBody(String.class).returnResult().getResponseHeaders().getFirst(RequestIds.HEADER);

        // the row is written by the request's last step, which may run just after the response was sent
        Map<String, Object> row = await().atMost(Duration.ofSeconds(5)).until(() -> {
            requestLog.flushAll().block(Duration.ofSeconds(5));
            return database.sql("select id, trace_id from request_log where id = :id").bind("id", requestId)
                    .fetch().one().block(Duration.ofSeconds(5));
        }, Objects::nonNull);
        assertThat(row).containsEntry("trace_id", null);
    }
}
