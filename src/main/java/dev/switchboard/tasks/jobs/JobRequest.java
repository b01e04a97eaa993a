package dev.switchboard.tasks.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.chat.CacheDirective;
import dev.switchboard.chat.ContentPart;
import dev.switchboard.tasks.TaskJob;
import dev.switchboard.tasks.templates.TaskDefinition;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A validated task request as the queue keeps it (JSON in {@code task_job.request}): everything a worker on
 * any instance needs to run it, the text of an upload already extracted (an image for a vision task travels
 * inline, as the data URL the model gets). The task type is kept by name and
 * looked up when the job runs, so a template reload in between applies.
 */
public record JobRequest(
        @JsonProperty("task_type") String taskType,
        @JsonProperty("input_type") String inputType,
        String text,
        @JsonProperty("file_name") @Nullable String fileName,
        @JsonProperty("file_info") Map<String, Object> fileInfo,
        Map<String, Object> variables,
        @JsonProperty("preferred_provider") @Nullable String preferredProvider,
        @Nullable String model,
        @JsonProperty("max_tokens") @Nullable Integer maxTokens,
        @Nullable Double temperature,
        @Nullable List<ContentPart.Image> images,
        @Nullable CacheDirective cache) {

    public JobRequest {
        fileInfo = fileInfo == null ? Map.of() : fileInfo;
        variables = variables == null ? Map.of() : variables;
        images = images == null ? List.of() : List.copyOf(images);
    }

    public static JobRequest of(TaskJob job) {
        return new JobRequest(job.task().name(), job.inputType(), job.text(), job.fileName(), job.fileInfo(),
                job.variables(), job.preferredProvider(), job.model(), job.maxTokens(), job.temperature(), job.images(),
                job.cache());
    }

    /** The task to run now, under the request id of this run and the client that submitted it. */
    public TaskJob toTaskJob(String requestId, TaskDefinition task, String clientId, long startNanos) {
        return new TaskJob(requestId, task, inputType, text, fileName, fileInfo, variables, preferredProvider, model,
                maxTokens, temperature, startNanos, clientId, images, cache == null ? CacheDirective.DEFAULT : cache);
    }
}
