package dev.switchboard.tasks.templates;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.switchboard.chat.NameLimits;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.loader.StringLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Turns templates YAML into {@link TaskDefinition}s: parse, resolve {@code base} inheritance, compile
 * every part once with Pebble, compile schemas, then validate by rendering each task once with a sample
 * input. Every problem is collected and reported together, each naming its task and part. Blocking
 * work (file reading is the caller's, compiling is CPU): call it at startup or on a bounded-elastic thread.
 */
public final class TaskTemplates {

    private static final Pattern TASK_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";

    private final YAMLMapper yaml;
    private final JsonMapper json;
    private final PebbleEngine pebble;
    private final SchemaRegistry schemas;

    public TaskTemplates(JsonMapper json) {
        this.json = json;
        this.yaml = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        // Plain text prompts: no HTML escaping; no file or classpath loader, so templates cannot read files.
        this.pebble = new PebbleEngine.Builder()
                .loader(new StringLoader())
                .autoEscaping(false)
                .strictVariables(false)
                .cacheActive(false)
                .maxRenderedSize(4 * 1024 * 1024)
                .build();
        this.schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        loadValidationMessages();
    }

    /**
     * The validator reads its message bundle from its jar the first time it words a violation, then keeps
     * it; doing that now keeps the file read off the event loop, where answers are validated.
     */
    private void loadValidationMessages() {
        schemas.getSchema(json.readTree("{\"type\":\"object\",\"required\":[\"x\"]}")).validate(json.readTree("{}"))
                .forEach(Error::getMessage);
    }

    /** One YAML document and the name it is reported under. */
    public record Source(String name, String yaml) {
    }

    /** Loads the sources in order (a later task replaces an earlier one of the same name). */
    public Map<String, TaskDefinition> load(List<Source> sources) {
        List<TemplateProblem> problems = new ArrayList<>();
        Map<String, Declared> declared = new LinkedHashMap<>();
        for (Source source : sources) {
            declare(source, declared, problems);
        }
        Map<String, TaskDefinition> tasks = new LinkedHashMap<>();
        Map<String, Resolved> resolved = new LinkedHashMap<>();
        for (Declared task : declared.values()) {
            Resolved r = resolve(task, declared, resolved, problems);
            if (r != null && !Boolean.TRUE.equals(task.spec().isAbstract())) {
                TaskDefinition definition = finish(r, problems);
                if (definition != null) {
                    tasks.put(task.name(), definition);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new TaskTemplateException(problems);
        }
        if (tasks.isEmpty()) {
            throw new TaskTemplateException(List.of(new TemplateProblem(sources.get(sources.size() - 1).name(), null,
                    null, "no task types are defined (only abstract ones or none)")));
        }
        return tasks;
    }

    /** A Pebble error as one line: its message and, when known, the line. */
    public static String describe(PebbleException e) {
        String message = e.getPebbleMessage() != null ? e.getPebbleMessage() : String.valueOf(e.getMessage());
        return e.getLineNumber() != null && e.getLineNumber() > 0 ? message + " (line " + e.getLineNumber() + ")" : message;
    }

    private void declare(Source source, Map<String, Declared> declared, List<TemplateProblem> problems) {
        JsonNode root;
        try {
            root = yaml.readTree(source.yaml());
        } catch (JacksonException e) {
            problems.add(new TemplateProblem(source.name(), null, null, "not valid YAML: " + e.getOriginalMessage()
                    + location(e)));
            return;
        }
        JsonNode tasks = root == null ? null : root.get("tasks");
        if (tasks == null || !tasks.isObject()) {
            problems.add(new TemplateProblem(source.name(), null, null, "needs a 'tasks' mapping at the top"));
            return;
        }
        for (Map.Entry<String, JsonNode> entry : tasks.properties()) {
            String name = entry.getKey();
            if (!TASK_NAME.matcher(name).matches()) {
                problems.add(new TemplateProblem(source.name(), name, null,
                        "task names use lower-case letters, digits, '_' and '-' (at most 64)"));
                continue;
            }
            try {
                declared.put(name, new Declared(name, source.name(), yaml.treeToValue(entry.getValue(), TaskSpec.class)));
            } catch (UnrecognizedPropertyException e) {
                problems.add(new TemplateProblem(source.name(), name, e.getPropertyName(), "unknown field; known: "
                        + "base, abstract, description, profile (role, expertise, output_format, strict), system, "
                        + "developer, user, assistant, schema, max_tokens, temperature, images, default_provider, "
                        + "default_model, fallback_providers, provider_order"));
            } catch (JacksonException e) {
                problems.add(new TemplateProblem(source.name(), name, field(e), e.getOriginalMessage()));
            }
        }
    }

    /** Resolves inheritance (memoised); null when the chain is broken (the problem is recorded). */
    private @Nullable Resolved resolve(Declared task, Map<String, Declared> declared, Map<String, Resolved> done,
            List<TemplateProblem> problems) {
        if (done.containsKey(task.name())) {
            return done.get(task.name());
        }
        List<Declared> chain = new ArrayList<>();
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (Declared at = task; at != null; ) {
            if (!seen.add(at.name())) {
                problems.add(new TemplateProblem(task.source(), task.name(), "base",
                        "inheritance cycle " + String.join(" -> ", seen) + " -> " + at.name()));
                done.put(task.name(), null);
                return null;
            }
            chain.add(at);
            String base = at.spec().base();
            if (base == null) {
                break;
            }
            Declared next = declared.get(base);
            if (next == null) {
                problems.add(new TemplateProblem(at.source(), at.name(), "base", "unknown base task '" + base
                        + "'; defined tasks: " + String.join(", ", declared.keySet())));
                done.put(task.name(), null);
                return null;
            }
            at = next;
        }
        Resolved resolved = merge(chain, problems);
        done.put(task.name(), resolved);
        return resolved;
    }

    /** Applies the chain from the root base down to the task itself; parts are compiled once per defining task. */
    private Resolved merge(List<Declared> chain, List<TemplateProblem> problems) {
        Declared self = chain.get(0);
        TaskProfile profile = TaskProfile.DEFAULT;
        Map<PromptPart, TaskDefinition.CompiledPart> parts = new EnumMap<>(PromptPart.class);
        String description = "";
        JsonNode schemaSource = null;
        String schemaOwner = null;
        Integer maxTokens = null;
        Double temperature = null;
        String images = null;
        TaskRouting routing = TaskRouting.NONE;
        for (int i = chain.size() - 1; i >= 0; i--) {
            Declared d = chain.get(i);
            TaskSpec spec = d.spec();
            if (spec.profile() != null) {
                profile = profile.with(spec.profile());
            }
            for (PromptPart part : PromptPart.values()) {
                TaskDefinition.CompiledPart compiled = compiledPart(d, part, problems);
                if (compiled != null) {
                    parts.put(part, compiled);
                }
            }
            description = spec.description() != null ? spec.description().strip() : description;
            if (spec.schema() != null && !spec.schema().isNull()) {
                schemaSource = spec.schema();
                schemaOwner = d.name();
            }
            maxTokens = spec.maxTokens() != null ? spec.maxTokens() : maxTokens;
            temperature = spec.temperature() != null ? spec.temperature() : temperature;
            images = spec.images() != null ? spec.images() : images;
            routing = routing.with(spec);
            if (spec.providerOrder() != null && TaskRouting.parseOrder(spec.providerOrder()) == null) {
                TemplateProblem problem = new TemplateProblem(d.source(), d.name(), "provider_order", "'"
                        + spec.providerOrder() + "' is not one of round-robin, priority");
                if (!problems.contains(problem)) { // a base is merged into each of its children
                    problems.add(problem);
                }
            }
        }
        List<String> lineage = chain.stream().map(Declared::name).toList();
        boolean userDeclared = chain.stream().anyMatch(d -> d.spec().part(PromptPart.USER) != null);
        boolean brokenPart = chain.stream().anyMatch(d -> !d.failed().isEmpty());
        return new Resolved(self, lineage, description, profile, parts, userDeclared, brokenPart, schemaSource,
                schemaOwner, maxTokens, temperature, images == null ? TaskDefinition.IMAGES_OCR : images, routing);
    }

    private TaskDefinition.@Nullable CompiledPart compiledPart(Declared d, PromptPart part,
            List<TemplateProblem> problems) {
        String source = d.spec().part(part);
        if (source == null) {
            return null;
        }
        TaskDefinition.CompiledPart cached = d.compiled().get(part);
        if (cached != null || d.failed().contains(part)) {
            return cached;
        }
        try {
            PebbleTemplate template = pebble.getLiteralTemplate(source);
            TaskDefinition.CompiledPart compiled = new TaskDefinition.CompiledPart(d.name(), template);
            d.compiled().put(part, compiled);
            return compiled;
        } catch (PebbleException e) {
            d.failed().add(part);
            problems.add(new TemplateProblem(d.source(), d.name(), part.key(), "template syntax error: " + describe(e)));
            return null;
        }
    }

    /** Checks a resolved, requestable task and builds its definition; null when it has problems. */
    private @Nullable TaskDefinition finish(Resolved r, List<TemplateProblem> problems) {
        int before = problems.size();
        String name = r.self().name();
        String source = r.self().source();
        TaskProfile profile = r.profile();
        if (!TaskProfile.OUTPUT_FORMATS.contains(profile.outputFormat())) {
            problems.add(new TemplateProblem(source, name, "profile", "output_format '" + profile.outputFormat()
                    + "' is not one of text, markdown, json"));
        } else if (profile.strict() && !"json".equals(profile.outputFormat())) {
            problems.add(new TemplateProblem(source, name, "profile", "strict tasks must have output_format json"));
        }
        if (!r.userDeclared()) {
            problems.add(new TemplateProblem(source, name, "user", "missing: every task needs a user part, its own "
                    + "or inherited from its base"));
        }
        if (r.maxTokens() != null && (r.maxTokens() < 1 || r.maxTokens() > 1_000_000)) {
            problems.add(new TemplateProblem(source, name, "max_tokens", "must be between 1 and 1000000"));
        }
        if (r.temperature() != null && (r.temperature() < 0 || r.temperature() > 2)) {
            problems.add(new TemplateProblem(source, name, "temperature", "must be between 0 and 2"));
        }
        if (!TaskDefinition.IMAGE_SETTINGS.contains(r.images())) {
            problems.add(new TemplateProblem(source, name, "images", "'" + r.images() + "' is not one of ocr, vision"));
        }
        checkRouting(source, name, r.routing(), problems);
        TaskSchema schema = null;
        if (r.schemaSource() != null) {
            if (!profile.strict()) {
                problems.add(new TemplateProblem(source, name, "schema", "a schema needs a strict profile "
                        + "(profile.strict: true)"));
            } else {
                schema = compileSchema(r, problems);
            }
        }
        if (problems.size() > before || r.brokenPart()) {
            return null; // a part that failed to compile was reported where it is defined
        }
        TaskDefinition definition = new TaskDefinition(name, r.description(), r.lineage(), profile, r.parts(), schema,
                r.maxTokens(), r.temperature(), r.images(), r.routing());
        try {
            definition.renderParts(PromptInput.sample());
        } catch (TaskDefinition.PartFailure e) {
            problems.add(new TemplateProblem(source, name, e.part(), "rendering a sample input failed"
                    + e.inheritedFrom() + ": " + e.getMessage()));
            return null;
        }
        return definition;
    }

    /**
     * Routing fields that cannot work whatever providers are configured (whether the providers exist is checked
     * against the configuration by {@code POST /admin/config/validate}; at run time unknown ones are skipped).
     */
    private static void checkRouting(String source, String name, TaskRouting routing, List<TemplateProblem> problems) {
        if (routing.defaultProvider() != null && routing.defaultProvider().isEmpty()) {
            problems.add(new TemplateProblem(source, name, "default_provider", "must not be empty"));
        }
        if (routing.defaultModel() != null && routing.defaultProvider() == null) {
            problems.add(new TemplateProblem(source, name, "default_model", "needs default_provider: the model is "
                    + "used on that provider"));
        }
        if (routing.defaultModel() != null && routing.defaultModel().isEmpty()) {
            problems.add(new TemplateProblem(source, name, "default_model", "must not be empty"));
        }
        if (!NameLimits.modelFits(routing.defaultModel())) {
            problems.add(new TemplateProblem(source, name, "default_model", NameLimits.atMost(NameLimits.MODEL)));
        }
        if (routing.fallbackProviders() != null && routing.fallbackProviders().stream().anyMatch(String::isEmpty)) {
            problems.add(new TemplateProblem(source, name, "fallback_providers", "names must not be empty"));
        }
    }

    private @Nullable TaskSchema compileSchema(Resolved r, List<TemplateProblem> problems) {
        String owner = r.schemaOwner();
        String where = owner.equals(r.self().name()) ? "" : " (inherited from '" + owner + "')";
        JsonNode source = r.schemaSource();
        try {
            if (!source.has("$schema")) {
                List<Error> errors = schemas.getSchema(SchemaLocation.of(META_SCHEMA)).validate(source);
                if (!errors.isEmpty()) {
                    problems.add(new TemplateProblem(r.self().source(), r.self().name(), "schema", "not a valid "
                            + "JSON schema" + where + ": " + errors.get(0).getMessage()));
                    return null;
                }
            }
            Schema schema = schemas.getSchema(source);
            schema.initializeValidators();
            return new TaskSchema(schema, json.writerWithDefaultPrettyPrinter().writeValueAsString(source), source);
        } catch (SchemaException | IllegalArgumentException | IllegalStateException e) {
            problems.add(new TemplateProblem(r.self().source(), r.self().name(), "schema", "not a valid JSON schema"
                    + where + ": " + e.getMessage()));
            return null;
        }
    }

    private static String location(JacksonException e) {
        var at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    private static @Nullable String field(JacksonException e) {
        var path = e.getPath();
        return path == null || path.isEmpty() ? null : path.get(path.size() - 1).getPropertyName();
    }

    /** A task as declared in one source, plus the parts compiled from it so far. */
    private record Declared(String name, String source, TaskSpec spec,
            Map<PromptPart, TaskDefinition.CompiledPart> compiled, Set<PromptPart> failed) {
        public Declared(String name, String source, TaskSpec spec) {
            this(name, source, spec, new EnumMap<>(PromptPart.class), EnumSet.noneOf(PromptPart.class));
        }
    }

    private record Resolved(Declared self, List<String> lineage, String description, TaskProfile profile,
            Map<PromptPart, TaskDefinition.CompiledPart> parts, boolean userDeclared, boolean brokenPart,
            @Nullable JsonNode schemaSource,
            @Nullable String schemaOwner, @Nullable Integer maxTokens, @Nullable Double temperature, String images,
            TaskRouting routing) {
    }
}
