package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.mock.env.MockEnvironment;

/** Tracing is off unless an OTLP endpoint is configured or it is switched on; off means Boot's tracing is off too. */
class TracingSwitchTest {

    private final MockEnvironment environment = new MockEnvironment();

    @Test
    void withoutAnEndpointTracingIsOffDownToBootsTracingHandlers() {
        switchOn();

        assertThat(TracingSwitch.enabled(environment)).isFalse();
        assertThat(environment.getProperty("management.tracing.export.enabled", Boolean.class)).isFalse();
        assertThat(environment.getProperty("management.opentelemetry.enabled", Boolean.class)).isFalse();
        assertThat(Binder.get(environment).bind("spring.autoconfigure.exclude", String[].class).get())
                .containsExactly(TracingSwitch.TRACING_HANDLERS);
    }

    @Test
    void anEndpointTurnsTracingOnAndLeavesBootsDefaults() {
        environment.setProperty(TracingSwitch.ENDPOINT, "http://collector:4318/v1/traces");
        switchOn();

        assertThat(TracingSwitch.enabled(environment)).isTrue();
        assertThat(environment.getProperty("management.tracing.export.enabled")).isNull();
        assertThat(environment.getProperty("management.opentelemetry.enabled")).isNull();
        assertThat(environment.getProperty("spring.autoconfigure.exclude")).isNull();
    }

    @Test
    void anEmptyEndpointIsNone() {
        environment.setProperty(TracingSwitch.ENDPOINT, "");
        switchOn();

        assertThat(TracingSwitch.enabled(environment)).isFalse();
    }

    @Test
    void switchedOnWithoutAnEndpointItTracesWithoutExporting() {
        environment.setProperty(TracingSwitch.ENABLED, "true");
        switchOn();

        assertThat(TracingSwitch.enabled(environment)).isTrue();
        assertThat(environment.getProperty("spring.autoconfigure.exclude")).isNull();
    }

    @Test
    void switchedOffAnEndpointExportsNothing() {
        environment.setProperty(TracingSwitch.ENDPOINT, "http://collector:4318/v1/traces");
        environment.setProperty(TracingSwitch.ENABLED, "false");
        switchOn();

        assertThat(TracingSwitch.enabled(environment)).isFalse();
        assertThat(environment.getProperty("management.tracing.export.enabled", Boolean.class)).isFalse();
    }

    @Test
    void settingsOfTheSameNamesElsewhereWin() {
        environment.setProperty("management.opentelemetry.enabled", "true");
        switchOn();

        assertThat(environment.getProperty("management.opentelemetry.enabled", Boolean.class)).isTrue();
        assertThat(environment.getProperty("management.tracing.export.enabled", Boolean.class)).isFalse();
    }

    private void switchOn() {
        new TracingSwitch().postProcessEnvironment(environment, new SpringApplication());
    }
}
