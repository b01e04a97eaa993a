package dev.switchboard.tasks.templates;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.config.TaskProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task types in force. Loaded at startup (invalid templates stop the application with every
 * problem listed); a configuration reload reads and validates the files again ({@link #load()}) and, when
 * everything it reloads is valid, swaps the whole set atomically ({@link #install}).
 */
public final class TaskCatalog {

    static final String BUILTIN = "tasks/templates.yml";
    private static final Logger log = LoggerFactory.getLogger(TaskCatalog.class);

    private final TaskTemplates templates;
    private final @Nullable Path file;
    private final boolean includeBuiltin;
    private final AtomicReference<Loaded> current = new AtomicReference<>();
    private final Clock clock;

    public TaskCatalog(TaskTemplates templates, TaskProperties properties, Clock clock) {
        this.templates = templates;
        this.clock = clock;
        this.file = properties.templates();
        this.includeBuiltin = properties.includeBuiltinTemplates();
        current.set(loadNow());
        log.info("Task types loaded from {}: {}", current.get().sources(), current.get().tasks().keySet());
    }

    /** What is in force and where it came from. */
    public record Loaded(Map<String, TaskDefinition> tasks, List<String> sources, Instant loadedAt) {
    }

    public Loaded current() {
        return current.get();
    }

    /** The task type, or a 400 naming the known ones. */
    public TaskDefinition require(@Nullable String name) {
        Map<String, TaskDefinition> tasks = current.get().tasks();
        if (name == null || name.isBlank()) {
            throw GatewayException.badRequest("task_type_required", "'task_type' is required; one of: "
                    + String.join(", ", tasks.keySet()) + ".");
        }
        TaskDefinition task = tasks.get(name.strip());
        if (task == null) {
            throw GatewayException.badRequest("unknown_task_type", "Unknown task_type '" + abbreviate(name)
                    + "'; one of: " + String.join(", ", tasks.keySet()) + ".");
        }
        return task;
    }

    public Collection<TaskDefinition> all() {
        return current.get().tasks().values();
    }

    /**
     * Reads and validates the templates on disk without putting them in force (blocking: file reads; call it
     * off the event loop). Throws {@link TaskTemplateException} listing every problem, or
     * {@link UncheckedIOException} when the file cannot be read.
     */
    public Loaded load() {
        return loadNow();
    }

    /**
     * Validates a templates document as if it were the templates file (laid over the built-in ones unless they
     * are switched off), without putting it in force. Throws like {@link #load()}.
     */
    public Loaded load(String name, String yaml) {
        List<TaskTemplates.Source> sources = new ArrayList<>(2);
        if (includeBuiltin) {
            sources.add(new TaskTemplates.Source("built-in " + BUILTIN, readBuiltin()));
        }
        sources.add(new TaskTemplates.Source(name, yaml));
        Map<String, TaskDefinition> tasks = templates.load(sources);
        return new Loaded(Collections.unmodifiableMap(new LinkedHashMap<>(tasks)),
                sources.stream().map(TaskTemplates.Source::name).toList(), clock.instant());
    }

    /** Puts templates loaded by {@link #load()} in force, all at once. */
    public void install(Loaded loaded) {
        current.set(loaded);
        log.info("Task types reloaded from {}: {}", loaded.sources(), loaded.tasks().keySet());
    }

    private Loaded loadNow() {
        List<TaskTemplates.Source> sources = new ArrayList<>(2);
        if (includeBuiltin) {
            sources.add(new TaskTemplates.Source("built-in " + BUILTIN, readBuiltin()));
        }
        if (file != null) {
            sources.add(new TaskTemplates.Source(file.toString(), readFile(file)));
        }
        Map<String, TaskDefinition> tasks = templates.load(sources);
        List<String> names = sources.stream().map(TaskTemplates.Source::name).toList();
        return new Loaded(Collections.unmodifiableMap(new LinkedHashMap<>(tasks)), names, clock.instant());
    }

    private static String readBuiltin() {
        try (InputStream in = TaskCatalog.class.getClassLoader().getResourceAsStream(BUILTIN)) {
            if (in == null) {
                throw new IllegalStateException("The built-in task templates " + BUILTIN + " are missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("The built-in task templates could not be read", e);
        }
    }

    private static String readFile(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("The task templates file '" + path + "' could not be read ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
