package dev.switchboard.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Traces ({@code switchboard.tracing}).
 *
 * @param enabled spans for requests and upstream attempts, {@code traceparent} to upstreams, trace ids in the
 *     request log, the logs and {@code X-Trace-Id}; unless set, on exactly when an OTLP endpoint is configured
 *     ({@link TracingSwitch})
 */
@ConfigurationProperties("switchboard.tracing")
public record TracingProperties(@DefaultValue("false") boolean enabled) {
}
