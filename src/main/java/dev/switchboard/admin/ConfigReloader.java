package dev.switchboard.admin;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.config.LiveSettings;
import dev.switchboard.config.PropertiesValidator.InvalidConfigurationException;
import dev.switchboard.config.SwitchboardProperties;
import dev.switchboard.keys.DailyLimits;
import dev.switchboard.keys.KeyHealth;
import dev.switchboard.keys.KeyHealthChecker;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.UnknownModels;
import dev.switchboard.tasks.templates.TaskCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Validates and reloads the configuration: every file Spring Boot read ({@code ./application.yml},
 * {@code ./config/*}, {@code spring.config.additional-location} or {@code spring.config.import} files) and
 * the task templates, together. A reload reads everything afresh into a {@link ConfigCandidate}, and only
 * when all of it is valid swaps in the new providers, keys, models, limits and templates and applies the
 * runtime settings ({@code resilience.max-retries}, {@code keys.health-check-interval}, the alert thresholds,
 * {@code routing.provider-order}); otherwise nothing changes. Requests in flight keep the providers they
 * started with; key health is kept for keys that stay (same alias and secret).
 *
 * <p>Routing timeouts, backoff, circuits, cooldowns and the simulator are read at startup only.
 */
public final class ConfigReloader {

    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    /** What a validation found. */
    public record Validation(boolean valid, List<ConfigIssue> issues, List<String> files) {
    }

    /** What a reload changed. */
    public record Result(List<String> files, Map<String, Integer> keysByProvider, List<String> tasks,
            Map<String, Object> settings, List<ConfigIssue> warnings) {
    }

    private final ConfigurableEnvironment environment;
    private final ProviderRegistry registry;
    private final KeyHealth health;
    private final DailyLimits limits;
    private final KeyHealthChecker checker;
    private final UnknownModels unknownModels;
    private final TaskCatalog catalog;
    private final LiveSettings settings;
    private final @Nullable String simulatorUrl;
    private final List<Consumer<List<Provider>>> providerListeners = new ArrayList<>();

    public ConfigReloader(ConfigurableEnvironment environment, ProviderRegistry registry, KeyHealth health,
            DailyLimits limits, KeyHealthChecker checker, UnknownModels unknownModels, TaskCatalog catalog,
            LiveSettings settings, @Nullable String simulatorUrl) {
        this.environment = environment;
        this.registry = registry;
        this.health = health;
        this.limits = limits;
        this.checker = checker;
        this.unknownModels = unknownModels;
        this.catalog = catalog;
        this.settings = settings;
        this.simulatorUrl = simulatorUrl;
    }

    /** Called with the new providers before they are put in force (e.g. to add the keys stored at runtime). */
    public void beforeProvidersSwap(Consumer<List<Provider>> listener) {
        providerListeners.add(listener);
    }

    /**
     * Validates the files on disk, or a posted YAML document on top of the running configuration, off the
     * event loop. Changes nothing.
     */
    public Mono<Validation> validate(@Nullable String posted) {
        return Mono.fromCallable(() -> {
            ConfigCandidate candidate = read(posted);
            return new Validation(candidate.valid(), List.copyOf(candidate.issues), List.copyOf(candidate.files));
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * Reloads off the event loop. Fails with every problem when anything is invalid (a 400
     * {@code invalid_configuration}, or a 422 {@code invalid_templates} when only the templates are); then
     * nothing changes.
     */
    public Mono<Result> reload() {
        return Mono.fromCallable(this::reloadNow).subscribeOn(Schedulers.boundedElastic());
    }

    private synchronized ConfigCandidate read(@Nullable String posted) {
        return ConfigCandidate.read(environment, posted, catalog, simulatorUrl, limits::keyRemaining);
    }

    private synchronized Result reloadNow() {
        ConfigCandidate candidate = read(null);
        if (!candidate.valid()) {
            throw refusal(candidate);
        }
        apply(candidate);
        SwitchboardProperties properties = candidate.properties;
        Map<String, Integer> keys = new LinkedHashMap<>();
        registry.all().forEach(p -> keys.put(p.name(), p.keys().size()));
        List<String> tasks = candidate.templates == null ? List.of() : List.copyOf(candidate.templates.tasks().keySet());
        log.info("Configuration reloaded from {}: {}; task types {}", candidate.files, keys, tasks);
        return new Result(List.copyOf(candidate.files), keys, tasks, runtimeSettings(properties), candidate.warnings());
    }

    /** Everything or nothing: the candidate is valid, so nothing below can be refused. */
    private void apply(ConfigCandidate candidate) {
        for (Map.Entry<String, PropertySource<?>> fresh : candidate.freshSources.entrySet()) {
            if (environment.getPropertySources().contains(fresh.getKey())) {
                environment.getPropertySources().replace(fresh.getKey(), fresh.getValue());
            }
        }
        List<Provider> providers = candidate.providers;
        providerListeners.forEach(listener -> listener.accept(providers));
        registry.replace(providers);
        providers.forEach(health::register);
        unknownModels.clear();
        checker.checkFormats();
        if (candidate.templates != null) {
            catalog.install(candidate.templates);
        }
        settings.update(candidate.properties);
    }

    private static RuntimeException refusal(ConfigCandidate candidate) {
        List<ConfigIssue> errors = candidate.errors();
        if (candidate.configurationErrors()) {
            return new InvalidConfigurationException(errors.stream().map(ConfigIssue::toString).toList());
        }
        if (candidate.templatesUnreadable) {
            return new GatewayException(422, "invalid_request_error", "templates_unreadable", candidate.templateFailure
                    + "; the templates in force were kept, and so was the rest of the configuration.", null);
        }
        return new GatewayException(422, "invalid_request_error", "invalid_templates",
                "The task templates are invalid, so the ones in force were kept (and so was the rest of the "
                        + "configuration): " + candidate.templateFailure, null);
    }

    /** The settings a reload applies while the gateway runs, as they are now. */
    static Map<String, Object> runtimeSettings(SwitchboardProperties properties) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("max_retries", properties.resilience().maxRetries());
        out.put("health_check_interval_minutes", properties.keys().healthCheckInterval().toMinutes());
        out.put("provider_order", properties.routing().providerOrder().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        out.put("alert_window_seconds", properties.usage().alerts().window().toSeconds());
        out.put("alert_failure_rate", properties.usage().alerts().failureRate());
        out.put("alert_error_rate", properties.usage().alerts().errorRate());
        out.put("alert_response_time_seconds", properties.usage().alerts().responseTime().toMillis() / 1000.0);
        return out;
    }
}
