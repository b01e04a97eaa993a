package dev.switchboard.admin;

import dev.switchboard.config.PropertiesValidator;
import dev.switchboard.config.SwitchboardProperties;
import dev.switchboard.keys.DailyLimits;
import dev.switchboard.keys.KeyHealth;
import dev.switchboard.keys.KeyHealthChecker;
import dev.switchboard.providers.KeySources;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.UnknownModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Re-reads the configuration files on disk (every {@code Config resource 'file [...]'} Spring Boot
 * loaded: {@code ./application.yml}, {@code ./config/*}, {@code spring.config.additional-location} or
 * {@code spring.config.import} files), re-binds {@code switchboard.*}, validates it, and swaps in the
 * new providers, keys, models and limits. Requests in flight keep the providers they started with, so
 * nothing is dropped. Key health is kept for keys that stay (same alias and secret).
 *
 * <p>Routing timeouts, resilience settings and the simulator are read at startup only.
 */
public final class ConfigReloader {

    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);
    private static final Pattern FILE_SOURCE = Pattern.compile("^Config resource 'file \\[(.+?)]'.*?(?: \\(document #(\\d+)\\))?$");

    /** What a reload changed. */
    public record Result(List<String> files, Map<String, Integer> keysByProvider) {
    }

    private final UnknownModels unknownModels;
    private final ConfigurableEnvironment environment;
    private final ProviderRegistry registry;
    private final KeyHealth health;
    private final DailyLimits limits;
    private final KeyHealthChecker checker;
    private final @Nullable String simulatorUrl;

    public ConfigReloader(ConfigurableEnvironment environment, ProviderRegistry registry, KeyHealth health,
            DailyLimits limits, KeyHealthChecker checker, UnknownModels unknownModels, @Nullable String simulatorUrl) {
        this.unknownModels = unknownModels;
        this.environment = environment;
        this.registry = registry;
        this.health = health;
        this.limits = limits;
        this.checker = checker;
        this.simulatorUrl = simulatorUrl;
    }

    /** Reloads off the event loop (file reads). Fails with the validation problems; then nothing changes. */
    public Mono<Result> reload() {
        return Mono.fromCallable(this::reloadNow).subscribeOn(Schedulers.boundedElastic());
    }

    private synchronized Result reloadNow() {
        List<String> files = reloadFiles();
        SwitchboardProperties properties = Binder.get(environment).bind("switchboard", SwitchboardProperties.class)
                .orElseThrow(() -> new IllegalStateException("switchboard.* could not be bound"));
        PropertiesValidator.validate(properties);
        List<Provider> providers = ProviderRegistry.build(properties.providers(), KeySources.of(environment),
                properties.simulator().enabled() ? simulatorUrl : null, ProviderRegistry.Defaults.of(properties),
                limits::keyRemaining);
        registry.replace(providers);
        providers.forEach(health::register);
        unknownModels.clear();
        checker.checkFormats();
        Map<String, Integer> keys = new LinkedHashMap<>();
        registry.all().forEach(p -> keys.put(p.name(), p.keys().size()));
        log.info("Configuration reloaded from {}: {}", files, keys);
        return new Result(files, keys);
    }

    /** Replaces each file-based property source with a fresh read of its file. */
    private List<String> reloadFiles() {
        List<String> files = new ArrayList<>();
        for (PropertySource<?> source : environment.getPropertySources()) {
            Matcher m = FILE_SOURCE.matcher(source.getName());
            if (!m.matches()) {
                continue;
            }
            String path = m.group(1);
            PropertySourceLoader loader = path.endsWith(".properties") ? new PropertiesPropertySourceLoader()
                    : new YamlPropertySourceLoader();
            String baseName = m.group(2) == null ? source.getName()
                    : source.getName().substring(0, source.getName().lastIndexOf(" (document #"));
            try {
                for (PropertySource<?> fresh : loader.load(baseName, new FileSystemResource(path))) {
                    if (fresh.getName().equals(source.getName())) {
                        environment.getPropertySources().replace(source.getName(), fresh);
                        if (!files.contains(path)) {
                            files.add(path);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read " + path, e);
            }
        }
        return files;
    }
}
