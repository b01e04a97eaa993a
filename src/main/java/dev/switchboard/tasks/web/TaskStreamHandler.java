package dev.switchboard.tasks.web;

import dev.switchboard.tasks.TaskRunner;
import dev.switchboard.web.SseFrames;
import dev.switchboard.web.SseResponse;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/v1/brain/process/stream}: {@code event: chunk} frames ({@code {"delta":"..."}}) as the
 * answer arrives, {@code event: repair} if a strict task's answer is being repaired (the repaired text is
 * in the record, not streamed), then {@code event: done} with the stored record, also when the task
 * failed. Request errors (4xx) come before the stream as plain JSON errors.
 */
final class TaskStreamHandler {

    private final TaskJobs jobs;
    private final TaskRunner runner;
    private final JsonMapper json;

    TaskStreamHandler(TaskJobs jobs, TaskRunner runner, JsonMapper json) {
        this.jobs = jobs;
        this.runner = runner;
        this.json = json;
    }

    Mono<ServerResponse> stream(ServerRequest request) {
        DataBufferFactory buffers = request.exchange().getResponse().bufferFactory();
        return jobs.read(request).flatMap(job -> {
            Flux<DataBuffer> frames = runner.stream(job).map(event -> frame(buffers, event));
            return SseResponse.of(frames);
        });
    }

    private DataBuffer frame(DataBufferFactory buffers, TaskRunner.Event event) {
        if (event instanceof TaskRunner.Event.Delta delta) {
            return SseFrames.event(buffers, "chunk", json.writeValueAsBytes(Map.of("delta", delta.text())));
        }
        if (event instanceof TaskRunner.Event.Repairing repairing) {
            return SseFrames.event(buffers, "repair", json.writeValueAsBytes(
                    Map.of("reason", repairing.reason(), "detail", repairing.detail())));
        }
        return SseFrames.event(buffers, "done", json.writeValueAsBytes(((TaskRunner.Event.Finished) event).record()));
    }
}
