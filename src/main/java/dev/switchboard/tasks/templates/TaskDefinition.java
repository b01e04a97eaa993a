package dev.switchboard.tasks.templates;

import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.GatewayException;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A task type ready to run: inheritance resolved, template parts compiled, schema compiled. Immutable
 * and thread-safe (compiled Pebble templates are), shared by all requests until the next reload.
 */
public final class TaskDefinition {

    /** {@code images: ocr}, the default: an uploaded image is read by OCR and its text is the input. */
    public static final String IMAGES_OCR = "ocr";
    /** {@code images: vision}: an uploaded image goes to the model as an image part. */
    public static final String IMAGES_VISION = "vision";
    static final Set<String> IMAGE_SETTINGS = Set.of(IMAGES_OCR, IMAGES_VISION);

    /** Names every template sees; request variables with these names do not replace them. */
    static final Set<String> RESERVED = Set.of("input", "input_type", "file_name", "task", "profile", "schema",
            "variables");

    private final String name;
    private final String description;
    private final List<String> lineage;
    private final TaskProfile profile;
    private final Map<PromptPart, CompiledPart> parts;
    private final @Nullable TaskSchema schema;
    private final @Nullable Integer maxTokens;
    private final @Nullable Double temperature;
    private final String images;
    private final TaskRouting routing;

    public TaskDefinition(String name, String description, List<String> lineage, TaskProfile profile,
            Map<PromptPart, CompiledPart> parts, @Nullable TaskSchema schema, @Nullable Integer maxTokens,
            @Nullable Double temperature) {
        this(name, description, lineage, profile, parts, schema, maxTokens, temperature, IMAGES_OCR, TaskRouting.NONE);
    }

    public TaskDefinition(String name, String description, List<String> lineage, TaskProfile profile,
            Map<PromptPart, CompiledPart> parts, @Nullable TaskSchema schema, @Nullable Integer maxTokens,
            @Nullable Double temperature, String images, TaskRouting routing) {
        this.routing = routing;
        this.name = name;
        this.description = description;
        this.lineage = List.copyOf(lineage);
        this.profile = profile;
        this.parts = parts.isEmpty() ? Map.of() : new EnumMap<>(parts);
        this.schema = schema;
        this.maxTokens = maxTokens;
        this.temperature = temperature;
        this.images = images;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** This task, then its base, then the base's base... */
    public List<String> lineage() {
        return lineage;
    }

    public TaskProfile profile() {
        return profile;
    }

    public @Nullable TaskSchema schema() {
        return schema;
    }

    public @Nullable Integer maxTokens() {
        return maxTokens;
    }

    public @Nullable Double temperature() {
        return temperature;
    }

    /** {@code ocr} or {@code vision}: what an uploaded image becomes. */
    public String images() {
        return images;
    }

    /** Whether an uploaded image goes to the model as an image part rather than through OCR. */
    public boolean imagesToModel() {
        return IMAGES_VISION.equals(images);
    }

    /** Where the task's requests go when they name no model. */
    public TaskRouting routing() {
        return routing;
    }

    public List<String> partNames() {
        return parts.keySet().stream().map(PromptPart::key).toList();
    }

    /**
     * The chat messages for one request, one per non-blank part. A part that fails to render is a 422
     * naming the task and the part.
     */
    public List<ChatMessage> render(PromptInput input) {
        try {
            return renderParts(input);
        } catch (PartFailure failure) {
            throw new GatewayException(422, "invalid_request_error", "template_render_failed",
                    "task '" + name + "', part '" + failure.part() + "'" + failure.inheritedFrom() + " could not be "
                            + "rendered: " + failure.getMessage(), null);
        }
    }

    /** Renders every part; throws {@link PartFailure} naming the part that failed. */
    public List<ChatMessage> renderParts(PromptInput input) {
        Map<String, Object> context = context(input);
        List<ChatMessage> messages = new ArrayList<>(parts.size());
        for (Map.Entry<PromptPart, CompiledPart> entry : parts.entrySet()) {
            String text = renderPart(entry.getKey(), entry.getValue(), context).strip();
            if (!text.isEmpty()) {
                messages.add(new ChatMessage(entry.getKey().role(), text));
            }
        }
        if (messages.stream().noneMatch(m -> "user".equals(m.role()))) {
            throw renderFailure(PromptPart.USER, parts.get(PromptPart.USER), "it rendered to nothing");
        }
        return messages;
    }

    private String renderPart(PromptPart part, CompiledPart compiled, Map<String, Object> context) {
        StringWriter out = new StringWriter();
        try {
            compiled.template().evaluate(out, context);
        } catch (PebbleException e) {
            throw renderFailure(part, compiled, TaskTemplates.describe(e));
        } catch (IOException | RuntimeException e) {
            throw renderFailure(part, compiled, String.valueOf(e.getMessage()));
        }
        return out.toString();
    }

    private PartFailure renderFailure(PromptPart part, @Nullable CompiledPart compiled, String why) {
        String from = compiled == null || compiled.definedIn().equals(name) ? "" : " (inherited from '"
                + compiled.definedIn() + "')";
        return new PartFailure(part.key(), from, why);
    }

    /** A part that could not be rendered. */
    public static final class PartFailure extends RuntimeException {
        private final String part;
        private final String inheritedFrom;

        public PartFailure(String part, String inheritedFrom, String why) {
            super(why, null, false, false);
            this.part = part;
            this.inheritedFrom = inheritedFrom;
        }

        public String part() {
            return part;
        }

        /** Empty, or {@code " (inherited from 'base')"}. */
        public String inheritedFrom() {
            return inheritedFrom;
        }
    }

    private Map<String, Object> context(PromptInput input) {
        Map<String, Object> context = new HashMap<>();
        input.variables().forEach((key, value) -> {
            if (!RESERVED.contains(key)) {
                context.put(key, value);
            }
        });
        context.put("input", input.text());
        context.put("input_type", input.inputType());
        context.put("file_name", input.fileName());
        context.put("task", name);
        context.put("profile", profile.asTemplateValue());
        context.put("schema", schema == null ? null : schema.text());
        context.put("variables", input.variables());
        return context;
    }

    /** A compiled part and the task whose YAML defined it (this task or a base). */
    public record CompiledPart(String definedIn, PebbleTemplate template) {
    }
}
