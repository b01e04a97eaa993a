package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code compose.yaml} and the files it mounts, checked where no container engine runs: it parses, every image
 * is built here or pinned, every variable it names is defined in {@code .env.example} or has a default, every
 * file it mounts exists, every name it refers to (services, secrets, volumes) is declared, and Prometheus,
 * Grafana and nginx point at the services compose starts.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    /** {@code ${NAME}}, {@code ${NAME:-default}}, {@code ${NAME:?error}}; {@code $$} is an escaped dollar. */
    private static final Pattern VARIABLE = Pattern.compile("(?<!\\$)\\$\\{([A-Z0-9_]+)(:?[-?][^}]*)?}");

    private final String composeText = read("compose.yaml");
    private final Map<String, Object> compose = yaml(composeText);
    private final Map<String, Object> services = map(compose.get("services"));

    @Test
    void itParsesAndStartsWhatTheReadmePromises() {
        assertThat(compose.get("name")).isEqualTo("switchboard");
        assertThat(services).containsOnlyKeys("postgres", "gateway-1", "gateway-2", "load-balancer", "prometheus",
                "grafana", "jaeger");
    }

    @Test
    void everyImageIsBuiltFromTheDockerfileOrPinnedToARelease() {
        services.forEach((name, definition) -> {
            Map<String, Object> service = map(definition);
            String image = (String) service.get("image");
            assertThat(image).as("%s names its image", name).isNotBlank();
            if (service.containsKey("build")) {
                assertThat(Files.isRegularFile(ROOT.resolve((String) service.get("build")).resolve("Dockerfile")))
                        .as("%s is built from the Dockerfile", name).isTrue();
            } else {
                assertThat(image).as("%s is pinned", name).matches("[a-z0-9./_-]+:[A-Za-z0-9._-]+")
                        .doesNotEndWith(":latest");
            }
        });
        assertThat(map(services.get("gateway-1")).get("image")).isEqualTo(map(services.get("gateway-2")).get("image"));
    }

    @Test
    void everyVariableItNamesIsDefinedInTheEnvExampleOrHasADefault() {
        Set<String> defined = envExample().keySet();
        Set<String> used = new LinkedHashSet<>();
        Matcher matcher = VARIABLE.matcher(composeText);
        while (matcher.find()) {
            used.add(matcher.group(1));
            boolean hasDefault = matcher.group(2) != null && matcher.group(2).contains("-");
            assertThat(hasDefault || defined.contains(matcher.group(1)))
                    .as("${%s} is in .env.example or has a default", matcher.group(1)).isTrue();
        }
        for (Object secret : map(compose.get("secrets")).values()) {
            String variable = (String) map(secret).get("environment");
            used.add(variable);
            assertThat(defined).as("the secret's variable").contains(variable);
        }
        assertThat(used).as("no variable of .env.example's compose section goes unused").containsAll(composeSection());
        assertThat(read(".gitignore").lines()).as(".env is never committed").contains(".env");
    }

    @Test
    void everyFileItMountsIsInTheRepositoryAndEveryNameItUsesIsDeclared() {
        Set<String> volumes = map(compose.get("volumes")).keySet();
        Set<String> secrets = map(compose.get("secrets")).keySet();
        services.forEach((name, definition) -> {
            Map<String, Object> service = map(definition);
            for (String volume : strings(service.get("volumes"))) {
                String source = volume.substring(0, volume.indexOf(':'));
                if (source.startsWith("./")) {
                    assertThat(ROOT.resolve(source)).as("%s mounts %s", name, source).exists();
                } else {
                    assertThat(volumes).as("%s uses volume %s", name, source).contains(source);
                }
            }
            Object dependsOn = service.get("depends_on");
            Set<String> dependencies = dependsOn instanceof Map<?, ?> m ? map(m).keySet() : new LinkedHashSet<>(strings(dependsOn));
            assertThat(services.keySet()).as("%s depends on services that exist", name).containsAll(dependencies);
            assertThat(secrets).containsAll(strings(service.get("secrets")));
        });
    }

    @Test
    void bothGatewaysUseThePostgresServiceTheAdminTokenAndExportTracesToJaeger() {
        for (String gateway : List.of("gateway-1", "gateway-2")) {
            Map<String, Object> environment = map(map(services.get(gateway)).get("environment"));
            assertThat((String) environment.get("SPRING_R2DBC_URL")).startsWith("r2dbc:postgresql://postgres:5432/");
            assertThat((String) environment.get("SPRING_FLYWAY_URL")).startsWith("jdbc:postgresql://postgres:5432/");
            assertThat((String) environment.get("SWITCHBOARD_ADMIN_TOKEN")).startsWith("${SWITCHBOARD_ADMIN_TOKEN:?");
            assertThat(environment.get("OTEL_EXPORTER_OTLP_ENDPOINT")).isEqualTo("http://jaeger:4318");
            assertThat(environment.get("LOGGING_STRUCTURED_FORMAT_CONSOLE")).isEqualTo("ecs");
            assertThat((String) environment.get("OTEL_RESOURCE_ATTRIBUTES")).endsWith(gateway);
            assertThat(strings(map(services.get(gateway)).get("volumes")))
                    .contains("./ops/switchboard/application.yml:/app/config/application.yml:ro");
        }
        assertThat(map(yaml(read("ops/switchboard/application.yml")).get("switchboard")).get("providers")).isNotNull();
    }

    @Test
    void prometheusScrapesBothInstancesWithTheAdminToken() {
        Map<String, Object> prometheus = yaml(read("ops/prometheus/prometheus.yml"));
        Map<String, Object> job = list(prometheus.get("scrape_configs")).stream().map(ComposeFileTest::map)
                .filter(j -> "switchboard".equals(j.get("job_name"))).findFirst().orElseThrow();
        assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
        List<String> targets = strings(map(list(job.get("static_configs")).get(0)).get("targets"));
        assertThat(targets).containsExactlyInAnyOrder("gateway-1:8080", "gateway-2:8080");
        Map<String, Object> authorization = map(job.get("authorization"));
        assertThat(authorization.get("credentials_file")).isEqualTo("/run/secrets/switchboard_admin_token");
        Map<String, Object> service = map(services.get("prometheus"));
        assertThat(strings(service.get("secrets"))).contains("switchboard_admin_token");
        assertThat(strings(service.get("volumes"))).contains("./ops/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
        assertThat(strings(service.get("command"))).contains("--config.file=/etc/prometheus/prometheus.yml");
    }

    @Test
    void grafanaIsProvisionedWithThePrometheusAndJaegerServicesAndTheDashboard() {
        Map<String, Object> grafana = map(services.get("grafana"));
        assertThat(strings(grafana.get("volumes"))).contains("./ops/grafana/provisioning:/etc/grafana/provisioning:ro",
                "./ops/grafana/dashboards:/etc/grafana/dashboards:ro");
        List<Map<String, Object>> sources = list(yaml(read("ops/grafana/provisioning/datasources/datasources.yaml"))
                .get("datasources")).stream().map(ComposeFileTest::map).toList();
        assertThat(sources).extracting(s -> s.get("uid"), s -> s.get("type"), s -> s.get("url")).containsExactly(
                org.assertj.core.groups.Tuple.tuple("prometheus", "prometheus", "http://prometheus:9090"),
                org.assertj.core.groups.Tuple.tuple("jaeger", "jaeger", "http://jaeger:16686"));
        Map<String, Object> provider = map(list(yaml(read("ops/grafana/provisioning/dashboards/dashboards.yaml"))
                .get("providers")).get(0));
        assertThat(map(provider.get("options")).get("path")).isEqualTo("/etc/grafana/dashboards");
        String home = (String) map(grafana.get("environment")).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(ROOT.resolve("ops/grafana/dashboards").resolve(Path.of(home).getFileName())).exists();
        JsonNode dashboard = JsonMapper.shared().readTree(read("ops/grafana/dashboards/switchboard.json"));
        assertThat(dashboard.path("uid").asString()).isEqualTo("switchboard");
        assertThat(dashboard.path("templating").path("list").get(0).path("query").asString()).isEqualTo("prometheus");
    }

    @Test
    void theLoadBalancerSpreadsOverBothGatewaysAndKeepsStreamsUnbuffered() {
        String nginx = read("ops/nginx/nginx.conf");
        assertThat(nginx).contains("server gateway-1:8080", "server gateway-2:8080", "proxy_buffering off",
                "proxy_set_header Upgrade $http_upgrade");
        assertThat(strings(map(services.get("load-balancer")).get("volumes")))
                .contains("./ops/nginx/nginx.conf:/etc/nginx/nginx.conf:ro");
    }

    /**
     * The variables of {@code .env.example} listed under its compose heading: the file lists every variable
     * the README names too, most of which compose leaves to the gateway's defaults.
     */
    private static Set<String> composeSection() {
        String text = read(".env.example");
        int start = text.indexOf("# --- compose.yaml");
        assertThat(start).as(".env.example has a compose section").isNotNegative();
        Set<String> out = new LinkedHashSet<>();
        for (String line : text.substring(start).lines().toList()) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.add(line.substring(0, line.indexOf('=')));
            }
        }
        return out;
    }

    private static Map<String, String> envExample() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String line : read(".env.example").lines().toList()) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        return out;
    }

    private static String read(String path) {
        try {
            return Files.readString(ROOT.resolve(path));
        } catch (IOException e) {
            throw new AssertionError(path + " cannot be read", e);
        }
    }

    private static Map<String, Object> yaml(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(options).load(text);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> items) {
            items.forEach(item -> out.add(String.valueOf(item)));
        }
        return out;
    }
}
