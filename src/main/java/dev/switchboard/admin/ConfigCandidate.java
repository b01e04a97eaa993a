package dev.switchboard.admin;

import dev.switchboard.config.PropertiesValidator;
import dev.switchboard.config.SwitchboardProperties;
import dev.switchboard.keys.KeyFormat;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.KeyPool;
import dev.switchboard.providers.KeySources;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.providers.SecretScrubber;
import dev.switchboard.tasks.templates.TaskCatalog;
import dev.switchboard.tasks.templates.TaskDefinition;
import dev.switchboard.tasks.templates.TaskRouting;
import dev.switchboard.tasks.templates.TaskTemplateException;
import dev.switchboard.tasks.templates.TemplateProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.PropertySourcesPropertyResolver;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A configuration as it would be after a reload, read and checked without changing anything: the files on
 * disk read afresh (or a posted document laid over the running configuration as its highest-precedence
 * file), {@code switchboard.*} bound and validated, the providers and keys built, the task templates loaded.
 * Every problem is collected as a {@link ConfigIssue} with its path; {@link #valid()} tells whether the
 * whole may be put in force. Blocking (file reads, template compilation): build it off the event loop.
 */
final class ConfigCandidate {

    /** How Spring Boot names a property source read from a file, e.g. {@code Config resource 'file [config/a.yml]' ...}. */
    private static final Pattern FILE_SOURCE = Pattern.compile("^Config resource 'file \\[(.+?)]'.*?(?: \\(document #(\\d+)\\))?$");
    private static final String POSTED = "posted document";

    final List<ConfigIssue> issues = new ArrayList<>();
    /** Fresh reads of the file-based property sources, by the name of the source they replace. */
    final Map<String, PropertySource<?>> freshSources = new LinkedHashMap<>();
    final List<String> files = new ArrayList<>();
    @Nullable SwitchboardProperties properties;
    @Nullable List<Provider> providers;
    TaskCatalog.@Nullable Loaded templates;
    /** Why the templates were refused, worded as the Task API words it; null when they were not. */
    @Nullable String templateFailure;
    boolean templatesUnreadable;

    private ConfigCandidate() {
    }

    /**
     * Reads the candidate.
     *
     * @param posted a YAML document to validate on top of the running configuration; null: the files on disk
     * @param simulatorUrl where simulator providers point, or null when the simulator is off
     */
    static ConfigCandidate read(ConfigurableEnvironment environment, @Nullable String posted, TaskCatalog catalog,
            @Nullable String simulatorUrl, KeyPool.Remaining remaining) {
        ConfigCandidate candidate = new ConfigCandidate();
        MutablePropertySources sources = posted == null ? candidate.readFiles(environment)
                : candidate.withPosted(environment, posted);
        candidate.bind(sources, simulatorUrl, remaining);
        candidate.loadTemplates(posted, catalog);
        candidate.checkTaskRouting();
        return candidate;
    }

    boolean valid() {
        return issues.stream().noneMatch(ConfigIssue::isError);
    }

    /** Whether an error concerns {@code switchboard.*} or a configuration file (rather than the task templates). */
    boolean configurationErrors() {
        return issues.stream().anyMatch(i -> i.isError() && !i.path().startsWith("tasks"));
    }

    List<ConfigIssue> errors() {
        return issues.stream().filter(ConfigIssue::isError).toList();
    }

    List<ConfigIssue> warnings() {
        return issues.stream().filter(i -> !i.isError()).toList();
    }

    /** The running sources with every file-based one replaced by a fresh read of its file. */
    private MutablePropertySources readFiles(ConfigurableEnvironment environment) {
        MutablePropertySources sources = copy(environment);
        for (PropertySource<?> source : environment.getPropertySources()) {
            Matcher m = FILE_SOURCE.matcher(source.getName());
            if (!m.matches()) {
                continue;
            }
            String path = m.group(1);
            if (!files.contains(path)) {
                files.add(path);
            }
            PropertySourceLoader loader = path.endsWith(".properties") ? new PropertiesPropertySourceLoader()
                    : new YamlPropertySourceLoader();
            String baseName = m.group(2) == null ? source.getName()
                    : source.getName().substring(0, source.getName().lastIndexOf(" (document #"));
            try {
                for (PropertySource<?> fresh : loader.load(baseName, new FileSystemResource(path))) {
                    if (fresh.getName().equals(source.getName())) {
                        sources.replace(source.getName(), fresh);
                        freshSources.put(source.getName(), fresh);
                    }
                }
            } catch (IOException | RuntimeException e) {
                issues.add(ConfigIssue.error(path, unreadable(e)));
            }
        }
        return sources;
    }

    /** The running sources with the posted document as the highest-precedence configuration file. */
    private MutablePropertySources withPosted(ConfigurableEnvironment environment, String posted) {
        MutablePropertySources sources = copy(environment);
        List<PropertySource<?>> documents;
        try {
            documents = new YamlPropertySourceLoader().load(POSTED,
                    new ByteArrayResource(posted.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            issues.add(ConfigIssue.error(POSTED, unreadable(e)));
            return sources;
        }
        String firstFile = null;
        for (PropertySource<?> source : sources) {
            if (source.getName().startsWith("Config resource")) {
                firstFile = source.getName();
                break;
            }
        }
        // a later document of one file wins over an earlier one, as Spring Boot orders them
        for (int i = documents.size() - 1; i >= 0; i--) {
            if (firstFile == null) {
                sources.addLast(documents.get(i));
            } else {
                sources.addBefore(firstFile, documents.get(i));
            }
        }
        files.add(POSTED);
        return sources;
    }

    private static MutablePropertySources copy(ConfigurableEnvironment environment) {
        MutablePropertySources sources = new MutablePropertySources();
        for (PropertySource<?> source : environment.getPropertySources()) {
            // Spring's view over all the others: it would read the running values, not the candidate's
            if (!ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)) {
                sources.addLast(source);
            }
        }
        return sources;
    }

    private void bind(MutablePropertySources sources, @Nullable String simulatorUrl, KeyPool.Remaining remaining) {
        Binder binder = new Binder(ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(sources));
        PropertySourcesPropertyResolver resolver = new PropertySourcesPropertyResolver(sources);
        KeySources keySources = new KeySources(name -> resolver.getProperty(name), names(sources));
        SwitchboardProperties bound;
        try {
            bound = keySources.withChatModels(binder.bindOrCreate("switchboard", SwitchboardProperties.class));
        } catch (BindException e) {
            String path = e.getProperty() != null ? e.getProperty().getName().toString() : e.getName().toString();
            String origin = e.getProperty() != null && e.getProperty().getOrigin() != null
                    ? " (" + e.getProperty().getOrigin() + ")" : "";
            issues.add(ConfigIssue.error(path, safe(rootMessage(e)) + origin));
            return;
        } catch (RuntimeException e) {
            issues.add(ConfigIssue.error("switchboard", safe(rootMessage(e))));
            return;
        }
        PropertiesValidator.problems(bound).forEach(problem -> issues.add(ConfigIssue.error(safe(problem))));
        if (!valid()) {
            return;
        }
        try {
            providers = ProviderRegistry.build(bound.providers(), keySources, bound.simulator().enabled() ? simulatorUrl : null,
                    ProviderRegistry.Defaults.of(bound), remaining);
        } catch (IllegalStateException e) {
            issues.add(ConfigIssue.error(safe(e.getMessage())));
            return;
        }
        properties = bound;
        for (Provider provider : providers) {
            String at = "switchboard.providers." + provider.name();
            if (provider.enabled() && provider.keys().size() == 0) {
                String prefix = KeySources.envPrefix(provider.name());
                issues.add(ConfigIssue.warning(at + ".api-keys", "no API keys (set " + prefix + "_API_KEYS, " + prefix
                        + "_API_KEY_1.., " + prefix + "_API_KEY or api-keys): the provider is not routed to"));
            }
            for (ApiKey key : provider.keys().keys()) {
                KeyFormat.problem(provider, key).ifPresent(problem -> issues.add(ConfigIssue.warning(at + ".api-keys",
                        "key " + key.alias() + " is malformed and will not be used: " + problem)));
            }
            if (provider.enabled() && provider.enabledModels().isEmpty()) {
                issues.add(ConfigIssue.warning(at + ".models", "every model is disabled: Path A skips the provider"));
            }
        }
    }

    private void loadTemplates(@Nullable String posted, TaskCatalog catalog) {
        try {
            if (posted == null) {
                templates = catalog.load();
            } else if (posted.lines().anyMatch(line -> line.startsWith("tasks:"))) {
                templates = catalog.load(POSTED, posted);
            }
        } catch (TaskTemplateException e) {
            templateFailure = safe(e.getMessage());
            for (TemplateProblem problem : e.problems()) {
                String path = problem.task() == null ? "tasks (" + problem.source() + ")"
                        : "tasks." + problem.task() + (problem.part() == null ? "" : "." + problem.part());
                issues.add(ConfigIssue.error(path, safe(problem.message())));
            }
        } catch (UncheckedIOException e) {
            templateFailure = safe(e.getMessage());
            templatesUnreadable = true;
            issues.add(ConfigIssue.error("tasks", templateFailure));
        }
    }

    /** Task types whose routing names providers the candidate does not configure: they would be skipped. */
    private void checkTaskRouting() {
        if (templates == null || providers == null) {
            return;
        }
        Set<String> known = providers.stream().map(Provider::name).collect(Collectors.toSet());
        for (TaskDefinition task : templates.tasks().values()) {
            TaskRouting routing = task.routing();
            List<String> named = new ArrayList<>();
            if (routing.defaultProvider() != null) {
                named.add(routing.defaultProvider());
            }
            if (routing.fallbackProviders() != null) {
                named.addAll(routing.fallbackProviders());
            }
            for (String name : named) {
                if (!known.contains(name)) {
                    issues.add(ConfigIssue.warning("tasks." + task.name(), "'" + name
                            + "' is not a configured provider: requests of this task skip it"));
                }
            }
        }
    }

    private static List<String> names(MutablePropertySources sources) {
        List<String> names = new ArrayList<>();
        for (PropertySource<?> source : sources) {
            if (source instanceof EnumerablePropertySource<?> enumerable) {
                names.addAll(List.of(enumerable.getPropertyNames()));
            }
        }
        return names;
    }

    /** A YAML syntax error as its problem and place only: the snippet SnakeYAML quotes may hold a key. */
    private static String unreadable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException yaml) {
                Mark mark = yaml.getProblemMark();
                return "not valid YAML: " + yaml.getProblem()
                        + (mark == null ? "" : " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")");
            }
        }
        return "could not be read: " + safe(rootMessage(e));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    /** Never a key in an answer: anything key-shaped in a message is redacted. */
    private static String safe(String message) {
        return SecretScrubber.scrubKeyShaped(message);
    }
}
