package dev.switchboard.tasks;

import dev.switchboard.chat.CacheDirective;
import dev.switchboard.tasks.templates.PromptInput;
import dev.switchboard.tasks.templates.TaskDefinition;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One validated task request, its input already read (and extracted, for files).
 *
 * @param fileInfo for files: name, kind, size_bytes, pages; empty for text
 * @param preferredProvider tried first in Path A, or the provider of {@code model} in Path B
 * @param startNanos when the request arrived, for {@code response_time}
 * @param clientId the gateway client that sent it; its commands carry it into limits, usage and the request log
 * @param cache what the request lets the response cache do ({@code Cache-Control}, {@code "cache": false})
 */
public record TaskJob(
        String requestId,
        TaskDefinition task,
        String inputType,
        String text,
        @Nullable String fileName,
        Map<String, Object> fileInfo,
        Map<String, Object> variables,
        @Nullable String preferredProvider,
        @Nullable String model,
        @Nullable Integer maxTokens,
        @Nullable Double temperature,
        long startNanos,
        String clientId,
        CacheDirective cache) {

    public static final String TEXT = "text";
    public static final String FILE = "file";

    public TaskJob withClient(String client) {
        return new TaskJob(requestId, task, inputType, text, fileName, fileInfo, variables, preferredProvider, model,
                maxTokens, temperature, startNanos, client, cache);
    }

    public TaskJob withCache(CacheDirective directive) {
        return new TaskJob(requestId, task, inputType, text, fileName, fileInfo, variables, preferredProvider, model,
                maxTokens, temperature, startNanos, clientId, directive);
    }

    public PromptInput promptInput() {
        return new PromptInput(text, inputType, fileName, variables);
    }

    /** What {@code input_data} shows: the text, or the file name. */
    public String inputData() {
        return FILE.equals(inputType) ? fileName : text;
    }
}
