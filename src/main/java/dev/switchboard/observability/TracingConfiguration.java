package dev.switchboard.observability;

import dev.switchboard.config.TracingProperties;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The gateway's spans when tracing is on ({@code switchboard.tracing.enabled}, on by default exactly when an
 * OTLP endpoint is configured); Spring Boot provides the tracer, its propagator (W3C) and the exporter.
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfiguration {

    @Bean
    RequestTraces requestTraces(TracingProperties properties, ObjectProvider<Tracer> tracer,
            ObjectProvider<Propagator> propagator) {
        Tracer available = tracer.getIfAvailable();
        if (!properties.enabled() || available == null || available == Tracer.NOOP) {
            return RequestTraces.off();
        }
        return RequestTraces.of(available, propagator.getIfAvailable(() -> Propagator.NOOP));
    }
}
