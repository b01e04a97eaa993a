package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySourcesPropertyResolver;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

/** The environment variables the README names: all in {@code .env.example}, and the gateway's own ones work. */
class EnvironmentVariablesTest {

    /** Upper-case names in the README that are provider error codes, placeholders or benchmark settings, not variables. */
    private static final Set<String> NOT_VARIABLES = Set.of("API_KEY_INVALID", "RESOURCE_EXHAUSTED",
            "PERMISSION_DENIED", "NOT_FOUND", "GROQ_API_KEY_N", "CLIENT_KEY", "BASE_JAR", "HOLD_STREAMS", "UPSTREAM_HTTP2",
            "LATENCY_ROUNDS", "STREAM_ROUNDS", "STREAM_WARMUP", "STREAM_WARM", "FIRST_CONTENT",
            "PROMPT_BYTES", "HEAP_DUMP");
    private static final Pattern NAME = Pattern.compile("(?<![A-Za-z0-9_.])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![A-Za-z0-9_])");

    @Test
    void everyVariableTheReadmeNamesIsInTheEnvExample() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        String example = Files.readString(Path.of(".env.example"), StandardCharsets.UTF_8);
        Set<String> named = new TreeSet<>();
        Matcher m = NAME.matcher(readme);
        while (m.find()) {
            named.add(m.group(1));
        }
        named.removeAll(NOT_VARIABLES);
        named.add("PORT");

        assertThat(named).contains("SWITCHBOARD_ADMIN_TOKEN", "SWITCHBOARD_MASTER_KEY", "MAX_RETRIES")
                .allSatisfy(name -> assertThat(example).as("README names %s", name)
                        .containsPattern("(?m)^(# .*)?\\b" + name + "\\b"));
    }

    @Test
    void theGatewaysOwnVariablesReachTheirSettings() throws IOException {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(new SystemEnvironmentPropertySource("environment", Map.of(
                "SWITCHBOARD_ADMIN_TOKEN", "an-admin-token-from-the-environment",
                "SWITCHBOARD_MASTER_KEY", "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=",
                "MAX_RETRIES", "5", "HEALTH_CHECK_INTERVAL_MINUTES", "15", "REQUEST_TIMEOUT", "20s")));
        new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))
                .forEach(sources::addLast);
        PropertySourcesPropertyResolver resolved = new PropertySourcesPropertyResolver(sources);

        assertThat(resolved.getProperty("switchboard.security.admin-token")).isEqualTo("an-admin-token-from-the-environment");
        assertThat(resolved.getProperty("switchboard.keys.master-key")).startsWith("ZGVmZ2hp");
        assertThat(resolved.getProperty("switchboard.resilience.max-retries")).isEqualTo("5");
        assertThat(resolved.getProperty("switchboard.keys.health-check-interval")).isEqualTo("15m");
        assertThat(resolved.getProperty("switchboard.routing.request-timeout")).isEqualTo("20s");
    }
}
