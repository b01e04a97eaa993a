package dev.switchboard.tasks.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.tasks.TaskResultStore;
import dev.switchboard.tasks.TaskRunner;
import dev.switchboard.tasks.templates.TaskCatalog;
import dev.switchboard.tasks.templates.TaskDefinition;
import dev.switchboard.tasks.templates.TaskRouting;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/v1/brain/process} (one JSON answer: the stored record), reading records back and listing
 * task types (the templates are reloaded with the configuration, by the admin package). A task that reached the providers always answers 200 with
 * its record ({@code success} says how it went); 4xx errors mean nothing was sent to a provider.
 */
final class TaskHandler {

    private final TaskJobs jobs;
    private final TaskRunner runner;
    private final TaskResultStore store;
    private final TaskCatalog catalog;

    TaskHandler(TaskJobs jobs, TaskRunner runner, TaskResultStore store, TaskCatalog catalog) {
        this.jobs = jobs;
        this.runner = runner;
        this.store = store;
        this.catalog = catalog;
    }

    Mono<ServerResponse> process(ServerRequest request) {
        return jobs.read(request)
                .flatMap(runner::process)
                .flatMap(record -> record.metadata().get("cache") instanceof String cache
                        ? ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                                .header("x-switchboard-cache", cache).bodyValue(record)
                        : json(record));
    }

    /** A stored record, if the caller may see it: its own, or any for the admin token (404 otherwise, as if absent). */
    Mono<ServerResponse> result(ServerRequest request) {
        String id = request.pathVariable("id");
        return store.find(id, ResultQueries.owner(request))
                .switchIfEmpty(Mono.error(() -> new GatewayException(404, "invalid_request_error", "result_not_found",
                        "No task result with id '" + (id.length() > 64 ? id.substring(0, 64) : id) + "'.", null)))
                .flatMap(TaskHandler::json);
    }

    /** {@code GET /api/v1/brain/results}: the caller's stored results (everyone's for the admin token), newest first. */
    Mono<ServerResponse> results(ServerRequest request) {
        return Mono.fromSupplier(() -> ResultQueries.of(request)).flatMap(store::list).flatMap(TaskHandler::json);
    }

    Mono<ServerResponse> tasks(ServerRequest request) {
        List<TaskView> views = catalog.all().stream().map(TaskView::of).toList();
        return json(Map.of("tasks", views, "sources", catalog.current().sources(),
                "loaded_at", catalog.current().loadedAt()));
    }

    private static Mono<ServerResponse> json(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }

    /** A task type as {@code GET /api/v1/brain/tasks} lists it. */
    record TaskView(String name, String description, List<String> lineage, Map<String, Object> profile,
            List<String> parts, @JsonProperty("has_schema") boolean hasSchema,
            @JsonProperty("max_tokens") Integer maxTokens, Double temperature, String images,
            @JsonProperty("default_provider") String defaultProvider, @JsonProperty("default_model") String defaultModel,
            @JsonProperty("fallback_providers") List<String> fallbackProviders,
            @JsonProperty("provider_order") String providerOrder) {

        static TaskView of(TaskDefinition task) {
            TaskRouting routing = task.routing();
            return new TaskView(task.name(), task.description(), task.lineage(), task.profile().asTemplateValue(),
                    task.partNames(), task.schema() != null, task.maxTokens(), task.temperature(), task.images(),
                    routing.defaultProvider(), routing.defaultModel(), routing.fallbackProviders(),
                    routing.providerOrderName());
        }
    }
}
