package dev.switchboard.config;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Tracing is off unless an OTLP endpoint is configured ({@code management.opentelemetry.tracing.export.otlp.endpoint},
 * or {@code OTEL_EXPORTER_OTLP_ENDPOINT} / {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}, which Spring Boot maps to
 * it), or {@code switchboard.tracing.enabled} says otherwise. Off means off, not merely unexported: no
 * OpenTelemetry SDK, no tracing handler on the observations Spring already makes for its metrics, no span, no
 * header; a request costs what it cost before tracing existed.
 *
 * <p>The defaults are answered by a property source of the lowest precedence, read when asked (so its order
 * among other post-processors, such as Boot's mapping of the {@code OTEL_*} variables, does not matter), and
 * any setting of the same names elsewhere wins. One consequence: whoever sets {@code spring.autoconfigure.exclude}
 * while tracing is off should add {@value #TRACING_HANDLERS} to the list.
 */
public final class TracingSwitch implements EnvironmentPostProcessor {

    static final String ENABLED = "switchboard.tracing.enabled";
    static final String ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";
    /** The auto-configuration that puts tracing handlers on every observation (HTTP server requests among them). */
    static final String TRACING_HANDLERS =
            "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new Defaults(environment));
    }

    /** Whether tracing is on in this environment. */
    public static boolean enabled(Environment environment) {
        return environment.getProperty(ENABLED, Boolean.class, false);
    }

    /** The defaults, decided when read. */
    static final class Defaults extends EnumerablePropertySource<Object> {

        private static final String[] NAMES = {ENABLED, "management.tracing.export.enabled",
            "management.opentelemetry.enabled", "spring.autoconfigure.exclude"};

        private final Environment environment;

        Defaults(Environment environment) {
            super("switchboardTracingDefaults", new Object());
            this.environment = environment;
        }

        @Override
        public String[] getPropertyNames() {
            return NAMES.clone();
        }

        @Override
        public @Nullable Object getProperty(String name) {
            if (ENABLED.equals(name)) {
                // another key than the one asked for: reading it cannot come back here
                return StringUtils.hasText(environment.getProperty(ENDPOINT));
            }
            if (!NAMES[1].equals(name) && !NAMES[2].equals(name) && !NAMES[3].equals(name)) {
                return null;
            }
            if (enabled(environment)) {
                return null;
            }
            return NAMES[3].equals(name) ? TRACING_HANDLERS : Boolean.FALSE;
        }
    }
}
