package dev.switchboard.tasks;

import dev.switchboard.chat.CacheDirective;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ContentPart;
import dev.switchboard.tasks.templates.PromptInput;
import dev.switchboard.tasks.templates.TaskDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One validated task request, its input already read (and extracted, for files).
 *
 * @param fileInfo for files: name, kind, size_bytes, pages; empty for text
 * @param preferredProvider tried first in Path A, or the provider of {@code model} in Path B
 * @param startNanos when the request arrived, for {@code response_time}
 * @param clientId the gateway client that sent it; its commands carry it into limits, usage and the request log
 * @param images images that go to the model with the prompt (an uploaded image, for a task with
 *     {@code images: vision}); empty otherwise
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
        List<ContentPart.Image> images,
        CacheDirective cache) {

    public static final String TEXT = "text";
    public static final String FILE = "file";

    public TaskJob {
        images = List.copyOf(images);
    }

    public TaskJob withClient(String client) {
        return new TaskJob(requestId, task, inputType, text, fileName, fileInfo, variables, preferredProvider, model,
                maxTokens, temperature, startNanos, client, images, cache);
    }

    public TaskJob withCache(CacheDirective directive) {
        return new TaskJob(requestId, task, inputType, text, fileName, fileInfo, variables, preferredProvider, model,
                maxTokens, temperature, startNanos, clientId, images, directive);
    }

    public PromptInput promptInput() {
        return new PromptInput(text, inputType, fileName, variables);
    }

    /** The task's messages for this input, the images attached to the last user message. */
    public List<ChatMessage> prompt() {
        List<ChatMessage> messages = task.render(promptInput());
        if (images.isEmpty()) {
            return messages;
        }
        List<ChatMessage> withImages = new ArrayList<>(messages);
        for (int i = withImages.size() - 1; i >= 0; i--) {
            ChatMessage message = withImages.get(i);
            if ("user".equals(message.role())) {
                List<ContentPart> parts = new ArrayList<>(message.parts());
                parts.addAll(images);
                withImages.set(i, new ChatMessage("user", parts, message.toolCalls(), message.toolCallId(),
                        message.name()));
                break;
            }
        }
        return withImages;
    }

    /** What {@code input_data} shows: the text, or the file name. */
    public String inputData() {
        return FILE.equals(inputType) ? fileName : text;
    }
}
