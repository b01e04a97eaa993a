package dev.switchboard.config;

import dev.switchboard.chat.NameLimits;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Startup validation of {@code switchboard.*}. Collects every problem, each naming the provider and the
 * field, and fails once with all of them. Never prints a key.
 */
public final class PropertiesValidator {

    private static final Pattern PROVIDER_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private PropertiesValidator() {
    }

    public static void validate(SwitchboardProperties properties) {
        List<String> problems = problems(properties);
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
    }

    /** Every problem, each as {@code <property path>: <what is wrong>}; empty when the settings are valid. */
    public static List<String> problems(SwitchboardProperties properties) {
        List<String> problems = new ArrayList<>();
        RoutingProperties routing = properties.routing();
        positive(problems, "switchboard.routing.request-timeout", routing.requestTimeout());
        positive(problems, "switchboard.routing.first-chunk-timeout", routing.firstChunkTimeout());
        positive(problems, "switchboard.routing.idle-timeout", routing.idleTimeout());
        positive(problems, "switchboard.routing.connect-timeout", routing.connectTimeout());
        positive(problems, "switchboard.routing.max-stream-duration", routing.maxStreamDuration());
        if (routing.maxAttempts() < 1) {
            problems.add("switchboard.routing.max-attempts: must be at least 1");
        }
        if (routing.maxStreamBytes().toBytes() < 1024) {
            problems.add("switchboard.routing.max-stream-bytes: must be at least 1KB");
        }
        if (properties.resilience().maxRetries() < 1) {
            problems.add("switchboard.resilience.max-retries: must be at least 1");
        }
        positive(problems, "switchboard.keys.health-check-interval", properties.keys().healthCheckInterval());
        UsageProperties.Alerts alerts = properties.usage().alerts();
        if (alerts.window() == null || alerts.window().compareTo(Duration.ofSeconds(10)) < 0) {
            problems.add("switchboard.usage.alerts.window: must be at least 10s");
        }
        share(problems, "switchboard.usage.alerts.failure-rate", alerts.failureRate());
        share(problems, "switchboard.usage.alerts.error-rate", alerts.errorRate());
        positive(problems, "switchboard.usage.alerts.response-time", alerts.responseTime());
        for (Map.Entry<String, ProviderProperties> entry : properties.providers().entrySet()) {
            validateProvider(problems, entry.getKey(), entry.getValue());
        }
        return problems;
    }

    private static void share(List<String> problems, String field, double value) {
        if (!(value >= 0 && value <= 1)) {
            problems.add(field + ": must be between 0 and 1 (0.1 is 10 %)");
        }
    }

    private static void validateProvider(List<String> problems, String name, ProviderProperties p) {
        String at = "switchboard.providers." + name;
        if (!PROVIDER_NAME.matcher(name).matches()) {
            problems.add(at + ": provider names use lower-case letters, digits, '.', '_' and '-'");
        }
        if (p.type() == null) {
            problems.add(at + ".type: missing (one of openai, anthropic, gemini, simulator)");
        } else if (p.type() != ProviderType.SIMULATOR) {
            if (p.baseUrl() == null || p.baseUrl().isBlank()) {
                problems.add(at + ".base-url: missing");
            } else if (!isHttpUrl(p.baseUrl())) {
                problems.add(at + ".base-url: not an http(s) URL");
            }
        }
        if (p.defaultModel() == null || p.defaultModel().isBlank()) {
            problems.add(at + ".default-model: missing");
        } else if (!NameLimits.modelFits(p.defaultModel())) {
            problems.add(at + ".default-model: " + NameLimits.atMost(NameLimits.MODEL));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < p.models().size(); i++) {
            ModelProperties m = p.models().get(i);
            String mAt = at + ".models[" + i + "]";
            if (m.name() == null || m.name().isBlank()) {
                problems.add(mAt + ".name: missing");
            } else if (!seen.add(m.name())) {
                problems.add(mAt + ".name: duplicate model " + m.name());
            } else if (!NameLimits.modelFits(m.name())) {
                problems.add(mAt + ".name: " + NameLimits.atMost(NameLimits.MODEL));
            }
            if (m.maxTokens() != null && m.maxTokens() < 1) {
                problems.add(mAt + ".max-tokens: must be at least 1");
            }
            if (m.dailyLimit() < 0) {
                problems.add(mAt + ".daily-limit: must be 0 (unlimited) or more");
            }
        }
        for (int i = 0; i < p.apiKeys().size(); i++) {
            if (p.apiKeys().get(i).dailyLimit() < 0) {
                problems.add(at + ".api-keys[" + i + "].daily-limit: must be 0 (unlimited) or more");
            }
            if (!NameLimits.aliasFits(p.apiKeys().get(i).name())) {
                problems.add(at + ".api-keys[" + i + "].name: " + NameLimits.atMost(NameLimits.KEY_ALIAS));
            }
        }
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = URI.create(url.trim());
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void positive(List<String> problems, String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            problems.add(field + ": must be a positive duration");
        }
    }

    /** Thrown at startup; the message lists every problem found. */
    public static final class InvalidConfigurationException extends IllegalStateException {
        public InvalidConfigurationException(List<String> problems) {
            super("Invalid Switchboard configuration:\n  - " + String.join("\n  - ", problems));
        }
    }
}
