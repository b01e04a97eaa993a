package dev.switchboard.tasks.web;

import dev.switchboard.api.OpenAiVocabulary;
import dev.switchboard.chat.CacheDirective;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ContentPart;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.config.TaskProperties;
import dev.switchboard.tasks.TaskJob;
import dev.switchboard.tasks.documents.DocumentText;
import dev.switchboard.tasks.documents.TaskUploads;
import dev.switchboard.tasks.documents.UploadedFile;
import dev.switchboard.tasks.templates.TaskCatalog;
import dev.switchboard.tasks.templates.TaskDefinition;
import dev.switchboard.web.ClientIdentity;
import dev.switchboard.web.JsonBodies;
import dev.switchboard.web.RequestIds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a task request, JSON or multipart, into a validated {@link TaskJob}: the task type exists,
 * the input is there (typed, or extracted from the file off the event loop), the options are in range.
 * Every problem is a 4xx in the OpenAI error shape, raised before any provider is asked.
 */
final class TaskJobs {

    private static final Set<String> FORM_FIELDS = Set.of("input_data", "task_type", "preferred_provider", "model",
            "max_tokens", "temperature", "variables", "priority", "cache", TaskUploads.FILE_FIELD);
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final int MAX_VARIABLES = 64;

    private final TaskCatalog catalog;
    private final JsonBodies bodies;
    private final TaskUploads uploads;
    private final DocumentText documents;
    private final JsonMapper json;
    private final int maxInputChars;

    TaskJobs(TaskCatalog catalog, JsonBodies bodies, TaskUploads uploads, DocumentText documents, JsonMapper json,
            TaskProperties properties) {
        this.catalog = catalog;
        this.bodies = bodies;
        this.uploads = uploads;
        this.documents = documents;
        this.json = json;
        this.maxInputChars = properties.maxInputChars();
    }

    /** A task to run now ({@code /api/v1/brain/process}); a {@code priority} is for jobs only. */
    Mono<TaskJob> read(ServerRequest request) {
        return submission(request).map(submitted -> {
            if (submitted.priority() != null) {
                throw GatewayException.badRequest("unsupported_parameter", "'priority' orders background jobs; "
                        + "submit the task to /api/v1/brain/jobs to use it.");
            }
            return submitted.job();
        });
    }

    /** A task and its priority, for the job queue ({@code /api/v1/brain/jobs}). */
    Mono<Submission> submission(ServerRequest request) {
        String client = ClientIdentity.of(request.exchange());
        CacheDirective header = CacheDirective.fromCacheControl(request.headers().firstHeader(HttpHeaders.CACHE_CONTROL));
        return readJob(request).map(submitted -> {
            TaskJob job = submitted.job();
            CacheDirective cache = job.cache().equals(CacheDirective.OFF) ? CacheDirective.OFF : header;
            return new Submission(job.withClient(client).withCache(cache), submitted.priority());
        });
    }

    /** A validated task and the job priority it asked for, if any (0 to 9). */
    record Submission(TaskJob job, @Nullable Integer priority) {
    }

    private Mono<Submission> readJob(ServerRequest request) {
        long start = System.nanoTime();
        String requestId = RequestIds.of(request.exchange());
        MediaType type = request.headers().contentType().orElse(null);
        if (type != null && MediaType.MULTIPART_FORM_DATA.isCompatibleWith(type)) {
            return uploads.read(request).flatMap(form -> {
                TaskRequest fields = formRequest(form.fields());
                return fromForm(form, fields, requestId, start).map(job -> new Submission(job, priority(fields)));
            });
        }
        return request.bodyToMono(byte[].class)
                .defaultIfEmpty(new byte[0])
                .map(body -> {
                    TaskRequest fields = bodies.parse(body, TaskRequest.class);
                    return new Submission(fromText(fields, requestId, start), priority(fields));
                });
    }

    private static @Nullable Integer priority(TaskRequest request) {
        Integer priority = request.priority();
        if (priority != null && (priority < 0 || priority > 9)) {
            throw GatewayException.badRequest("invalid_priority", "'priority' must be an integer from 0 to 9 "
                    + "(higher runs sooner); got " + priority + ".");
        }
        return priority;
    }

    private TaskJob fromText(TaskRequest request, String requestId, long start) {
        TaskDefinition task = catalog.require(request.taskType());
        String text = request.inputData();
        if (text == null || text.isBlank()) {
            throw GatewayException.badRequest("input_required", "'input_data' must be a non-empty string (or send a "
                    + "multipart form with a 'file').");
        }
        if (text.length() > maxInputChars) {
            throw new GatewayException(413, "invalid_request_error", "input_too_long", "'input_data' has "
                    + text.length() + " characters; at most " + maxInputChars + " are accepted.", null);
        }
        return job(request, task, requestId, start, TaskJob.TEXT, text, null, Map.of(), List.of());
    }

    private Mono<TaskJob> fromForm(TaskUploads.Form form, TaskRequest request, String requestId, long start) {
        UploadedFile file = form.file();
        if (file == null) {
            return Mono.just(fromText(request, requestId, start));
        }
        if (request.inputData() != null && !request.inputData().isBlank()) {
            throw GatewayException.badRequest("ambiguous_input", "Send either 'input_data' or a 'file', not both.");
        }
        TaskDefinition task = catalog.require(request.taskType());
        validateOptions(request);
        return documents.extract(file, task.imagesToModel()).map(extracted -> job(request, task, requestId, start,
                TaskJob.FILE, extracted.text(), file.fileName(), extracted.info(file),
                extracted.image() == null ? List.of() : List.of(extracted.image())));
    }

    private TaskRequest formRequest(Map<String, String> fields) {
        for (String name : fields.keySet()) {
            if (!FORM_FIELDS.contains(name)) {
                throw GatewayException.badRequest("unknown_field", "Unknown form field '" + name + "'; known: "
                        + String.join(", ", FORM_FIELDS.stream().sorted().toList()) + ".");
            }
        }
        return new TaskRequest(fields.get("input_data"), fields.get("task_type"), fields.get("preferred_provider"),
                fields.get("model"), integer("max_tokens", fields.get("max_tokens")),
                number(fields.get("temperature")), variables(fields.get("variables")),
                bool("cache", fields.get("cache")), integer("priority", fields.get("priority")));
    }

    private TaskJob job(TaskRequest request, TaskDefinition task, String requestId, long start, String inputType,
            String text, @Nullable String fileName, Map<String, Object> fileInfo, List<ContentPart.Image> images) {
        validateOptions(request);
        return new TaskJob(requestId, task, inputType, text, fileName, fileInfo,
                request.variables() == null ? Map.of() : request.variables(), blankToNull(request.preferredProvider()),
                blankToNull(request.model()), request.maxTokens(), request.temperature(), start, ChatCommand.ANONYMOUS,
                images, CacheDirective.DEFAULT.orOff(request.cache()));
    }

    private static void validateOptions(TaskRequest request) {
        OpenAiVocabulary.maxTokens(request.maxTokens());
        OpenAiVocabulary.temperature(request.temperature());
        Map<String, Object> variables = request.variables();
        if (variables == null) {
            return;
        }
        if (variables.size() > MAX_VARIABLES) {
            throw GatewayException.badRequest("too_many_variables", "At most " + MAX_VARIABLES + " variables.");
        }
        for (String name : variables.keySet()) {
            if (!VARIABLE.matcher(name).matches()) {
                throw GatewayException.badRequest("invalid_variable", "Variable names are letters, digits and '_' "
                        + "(not starting with a digit); got '" + (name.length() > 64 ? name.substring(0, 64) : name) + "'.");
            }
        }
    }

    private @Nullable Map<String, Object> variables(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            JsonNode node = json.readTree(value);
            if (node == null || !node.isObject()) {
                throw GatewayException.badRequest("invalid_type", "'variables' must be a JSON object.");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = json.treeToValue(node, LinkedHashMap.class);
            return map;
        } catch (JacksonException e) {
            throw GatewayException.badRequest("invalid_type", "'variables' must be a JSON object.");
        }
    }

    private static @Nullable Boolean bool(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw GatewayException.badRequest("invalid_type", "'" + field + "' must be true or false.");
        };
    }

    private static @Nullable Integer integer(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw GatewayException.badRequest("invalid_type", "'" + field + "' must be an integer.");
        }
    }

    private static @Nullable Double number(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Double.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw GatewayException.badRequest("invalid_type", "'temperature' must be a number.");
        }
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
