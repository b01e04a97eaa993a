package dev.switchboard.tasks.web;

import static org.springframework.web.reactive.function.server.RequestPredicates.DELETE;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;

import dev.switchboard.config.CacheProperties;
import dev.switchboard.config.JobProperties;
import dev.switchboard.config.TaskDocumentProperties;
import dev.switchboard.config.TaskProperties;
import dev.switchboard.config.TaskResultProperties;
import dev.switchboard.tasks.jobs.JobMetrics;
import dev.switchboard.tasks.jobs.JobQueue;
import dev.switchboard.tasks.jobs.JobWorker;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.ConnectionFactory;
import dev.switchboard.routing.ChatService;
import dev.switchboard.tasks.StrictJson;
import dev.switchboard.tasks.TaskResultRetention;
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

/** The Task API's endpoint table and wiring: run a task now, or queue it as a background job. */
@Configuration(proxyBeanMethods = false)
public class TaskRoutes {

    @Bean
    RouterFunction<ServerResponse> taskEndpoints(TaskHandler tasks, TaskStreamHandler sse, JobHandler jobs) {
        return RouterFunctions
                .route(POST("/api/v1/brain/process"), tasks::process)
                .andRoute(POST(JobHandler.PATH), jobs::submit)
                .andRoute(GET(JobHandler.PATH), jobs::list)
                .andRoute(GET(JobHandler.PATH + "/{id}"), jobs::get)
                .andRoute(DELETE(JobHandler.PATH + "/{id}"), jobs::cancel)
                .andRoute(POST("/api/v1/brain/process/stream"), sse::stream)
                .andRoute(GET("/api/v1/brain/results"), tasks::results)
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
    TaskResultStore taskResultStore(DatabaseClient database, JsonMapper json, TaskProperties properties, Clock clock,
            TaskResultProperties results) {
        return new TaskResultStore(database, json, properties, clock, results);
    }

    @Bean
    TaskResultRetention taskResultRetention(TaskResultStore store, Clock clock, TaskResultProperties results) {
        return new TaskResultRetention(store::deleteCreatedBefore, clock, results);
    }

    /** One per gateway: it holds the OCR concurrency limit and what is known about Tesseract. */
    @Bean
    DocumentText documentText(TaskProperties properties, TaskDocumentProperties documents) {
        return new DocumentText(properties, documents);
    }

    @Bean
    TaskRunner taskRunner(ChatService chat, JsonMapper json, TaskResultStore store, Clock clock,
            CacheProperties cache) {
        return new TaskRunner(chat, new StrictJson(json), store, clock, cache::taskTtl);
    }

    @Bean
    TaskJobs taskJobs(TaskCatalog catalog, JsonBodies bodies, JsonMapper json, TaskProperties properties,
            DocumentText documents) {
        return new TaskJobs(catalog, bodies, new TaskUploads(properties), documents, json, properties);
    }

    @Bean
    TaskHandler taskHandler(TaskJobs jobs, TaskRunner runner, TaskResultStore store, TaskCatalog catalog) {
        return new TaskHandler(jobs, runner, store, catalog);
    }

    @Bean
    JobQueue jobQueue(DatabaseClient database, JsonMapper json, JobProperties properties) {
        return new JobQueue(database, json, properties.maxQueued());
    }

    @Bean
    JobWorker jobWorker(JobQueue queue, TaskRunner runner, TaskCatalog catalog, ConnectionFactory connections,
            JobMetrics metrics, JobProperties properties) {
        return new JobWorker(queue, runner, catalog, connections, metrics, properties);
    }

    /** The queue's meters; also the live dashboard's queue figures ({@code QueueReadout}). */
    @Bean
    JobMetrics jobMetrics(MeterRegistry registry) {
        return new JobMetrics(registry);
    }

    @Bean
    JobHandler jobHandler(TaskJobs requests, JobQueue queue, TaskResultStore results, JobProperties properties) {
        return new JobHandler(requests, queue, results, properties.maxAttempts());
    }

    @Bean
    TaskStreamHandler taskStreamHandler(TaskJobs jobs, TaskRunner runner, JsonMapper json) {
        return new TaskStreamHandler(jobs, runner, json);
    }
}
