package dev.switchboard.tasks.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.tasks.TaskRecord;
import dev.switchboard.tasks.TaskResultStore;
import dev.switchboard.tasks.jobs.Job;
import dev.switchboard.tasks.jobs.JobQueue;
import dev.switchboard.tasks.jobs.JobRequest;
import dev.switchboard.tasks.jobs.JobStatus;
import dev.switchboard.web.ClientIdentity;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code /api/v1/brain/jobs}: submit a task to run in the background (202 at once), read a job, list a
 * client's jobs, cancel one. A client sees only its own jobs (another's is a 404, as if it did not exist);
 * the admin token sees every client's.
 */
final class JobHandler {

    static final String PATH = "/api/v1/brain/jobs";
    private static final int DEFAULT_PRIORITY = 5;
    private static final int DEFAULT_PAGE_SIZE = 20;
    private static final int MAX_PAGE_SIZE = 100;

    private final TaskJobs requests;
    private final JobQueue queue;
    private final TaskResultStore results;
    private final int maxAttempts;

    JobHandler(TaskJobs requests, JobQueue queue, TaskResultStore results, int maxAttempts) {
        this.requests = requests;
        this.queue = queue;
        this.results = results;
        this.maxAttempts = maxAttempts;
    }

    /** Reads and checks the task as {@code /process} does (same 4xx codes), queues it and answers 202. */
    Mono<ServerResponse> submit(ServerRequest request) {
        return requests.submission(request)
                .flatMap(submitted -> queue.submit(JobRequest.of(submitted.job()), submitted.job().clientId(),
                        submitted.priority() == null ? DEFAULT_PRIORITY : submitted.priority()))
                .flatMap(job -> ServerResponse.status(HttpStatus.ACCEPTED)
                        .location(URI.create(PATH + "/" + job.id()))
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(JobView.of(job, null, maxAttempts)));
    }

    Mono<ServerResponse> get(ServerRequest request) {
        return visible(request)
                .flatMap(job -> job.resultId() == null ? Mono.just(JobView.of(job, null, maxAttempts))
                        // the caller may see the job, so its record (the record's owner is the job's client)
                        : results.find(job.resultId(), null)
                                .map(record -> JobView.of(job, record, maxAttempts))
                                .defaultIfEmpty(JobView.of(job, null, maxAttempts)))
                .flatMap(JobHandler::json);
    }

    Mono<ServerResponse> list(ServerRequest request) {
        JobStatus status = request.queryParam("status").map(JobHandler::status).orElse(null);
        int page = number(request, "page", 1, 1, 100_000);
        int size = number(request, "size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        String owner = ClientIdentity.isAdmin(request.exchange()) ? null : ClientIdentity.of(request.exchange());
        return queue.list(owner, status, page, size)
                .map(job -> JobView.of(job, null, maxAttempts))
                .collectList()
                .flatMap(jobs -> json(new JobPage("list", jobs.subList(0, Math.min(size, jobs.size())), page, size,
                        jobs.size() > size)));
    }

    /** Cancels a queued or running job (a running one's upstream call stops too); a finished one is a 409. */
    Mono<ServerResponse> cancel(ServerRequest request) {
        return visible(request)
                .flatMap(job -> queue.cancel(job.id())
                        .switchIfEmpty(Mono.defer(() -> queue.find(job.id()).flatMap(now -> Mono.error(
                                new GatewayException(409, "invalid_request_error", "job_finished", "Job '" + now.id()
                                        + "' has already " + (now.status() == JobStatus.CANCELLED ? "been cancelled"
                                        : now.status().code()) + "; only queued and running jobs can be cancelled.",
                                        null))))))
                .flatMap(job -> json(JobView.of(job, null, maxAttempts)));
    }

    /** The job named in the path, when the caller may see it; a 404 otherwise. */
    private Mono<Job> visible(ServerRequest request) {
        String id = request.pathVariable("id");
        boolean admin = ClientIdentity.isAdmin(request.exchange());
        String client = ClientIdentity.of(request.exchange());
        return queue.find(id)
                .filter(job -> admin || job.clientId().equals(client))
                .switchIfEmpty(Mono.error(() -> new GatewayException(404, "invalid_request_error", "job_not_found",
                        "No job with id '" + (id.length() > 64 ? id.substring(0, 64) : id) + "'.", null)));
    }

    private static JobStatus status(String code) {
        JobStatus status = JobStatus.fromCode(code);
        if (status == null) {
            throw GatewayException.badRequest("invalid_status", "'status' must be one of queued, running, "
                    + "succeeded, failed, cancelled.");
        }
        return status;
    }

    private static int number(ServerRequest request, String name, int fallback, int min, int max) {
        String value = request.queryParam(name).orElse(null);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw GatewayException.badRequest("invalid_" + name, "'" + name + "' must be an integer from " + min + " to "
                + max + ".");
    }

    private static Mono<ServerResponse> json(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }

    /** One page of {@code GET /api/v1/brain/jobs}. */
    record JobPage(String object, List<JobView> data, int page, int size, @JsonProperty("has_more") boolean hasMore) {
    }

    /** A job as the API shows it; {@code result} is the stored task record once the job has finished. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record JobView(
            @JsonProperty("job_id") String jobId,
            String object,
            String status,
            @JsonProperty("task_type") String taskType,
            int priority,
            @JsonProperty("client_id") String clientId,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("started_at") @Nullable Instant startedAt,
            @JsonProperty("finished_at") @Nullable Instant finishedAt,
            int attempts,
            @JsonProperty("max_attempts") int maxAttempts,
            @Nullable String worker,
            @Nullable String error,
            @JsonProperty("result_id") @Nullable String resultId,
            @Nullable TaskRecord result,
            String url) {

        static JobView of(Job job, @Nullable TaskRecord record, int maxAttempts) {
            return new JobView(job.id(), "brain.job", job.status().code(), job.taskType(), job.priority(),
                    job.clientId(), job.createdAt(), job.startedAt(), job.finishedAt(), job.attempts(), maxAttempts,
                    job.worker(), job.error(), job.resultId(), record, PATH + "/" + job.id());
        }
    }
}
