package dev.switchboard.tasks.web;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;

import dev.switchboard.config.TaskProperties;
import dev.switchboard.routing.ChatService;
import dev.switchboard.tasks.StrictJson;
import dev.switchboard.tasks.TaskResultStore;
import dev.switchboard.tasks.TaskRunner;
import dev.switchboard.tasks.documents.DocumentText;
import dev.switchboard.tasks.documents.TaskUploads;
import dev.switchboard.tasks.templates.TaskCatalog;
import dev.switchboard.tasks.templates.TaskTemplates;
import dev.switchboard.web.JsonBodies;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

/** The Task API's endpoint table and wiring. */
@Configuration(proxyBeanMethods = false)
public class TaskRoutes {

    @Bean
    RouterFunction<ServerResponse> taskEndpoints(TaskHandler tasks, TaskStreamHandler sse) {
        return RouterFunctions
                .route(POST("/api/v1/brain/process"), tasks::process)
                .andRoute(POST("/api/v1/brain/process/stream"), sse::stream)
                .andRoute(GET("/api/v1/brain/results/{id}"), tasks::result)
                .andRoute(GET("/api/v1/brain/tasks"), tasks::tasks);
        // POST /api/v1/brain/config/reload is the admin package's: it reloads the templates with the configuration
    }

    /** Loads and validates the templates at startup: invalid ones stop the application, naming each problem. */
    @Bean
    TaskCatalog taskCatalog(JsonMapper json, TaskProperties properties, Clock clock) {
        return new TaskCatalog(new TaskTemplates(json), properties, clock);
    }

    @Bean
    TaskResultStore taskResultStore(DatabaseClient database, JsonMapper json, TaskProperties properties) {
        return new TaskResultStore(database, json, properties);
    }

    @Bean
    TaskRunner taskRunner(ChatService chat, JsonMapper json, TaskResultStore store, Clock clock) {
        return new TaskRunner(chat, new StrictJson(json), store, clock);
    }

    @Bean
    TaskJobs taskJobs(TaskCatalog catalog, JsonBodies bodies, JsonMapper json, TaskProperties properties) {
        return new TaskJobs(catalog, bodies, new TaskUploads(properties), new DocumentText(properties), json,
                properties);
    }

    @Bean
    TaskHandler taskHandler(TaskJobs jobs, TaskRunner runner, TaskResultStore store, TaskCatalog catalog) {
        return new TaskHandler(jobs, runner, store, catalog);
    }

    @Bean
    TaskStreamHandler taskStreamHandler(TaskJobs jobs, TaskRunner runner, JsonMapper json) {
        return new TaskStreamHandler(jobs, runner, json);
    }
}
