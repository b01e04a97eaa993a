package dev.switchboard.tasks;

import dev.switchboard.chat.CacheDirective;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.ResponseFormat;
import dev.switchboard.tasks.templates.TaskSchema;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Surface;
import dev.switchboard.routing.ChatService;
import dev.switchboard.tasks.templates.TaskProfile;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs a task through the gateway's one pipeline ({@link ChatService}, surface {@code task}): render the
 * prompt, ask, check the answer against the task's profile (strict JSON gets one repair round on the
 * provider and model that answered), then store the record. Failures before any provider is asked
 * (bad template render, unknown provider or model) stay errors; failures of the providers become a stored
 * {@code success:false} record.
 */
public final class TaskRunner {

    private final ChatService chat;
    private final StrictJson strictJson;
    private final TaskResultStore store;

    private final Clock clock;
    private final Function<String, Duration> cacheTtl;

    /** @param cacheTtl a task type's time to live in the response cache (the operator's) */
    public TaskRunner(ChatService chat, StrictJson strictJson, TaskResultStore store, Clock clock,
            Function<String, Duration> cacheTtl) {
        this.clock = clock;
        this.cacheTtl = cacheTtl;
        this.chat = chat;
        this.strictJson = strictJson;
        this.store = store;
    }

    /** Events of a streamed task. */
    public sealed interface Event {
        /** Answer text as it arrives (of the first round; a repair round is not streamed). */
        public record Delta(String text) implements Event {
        }

        /** The streamed answer was rejected; a repair round runs now and its text replaces the streamed one. */
        public record Repairing(String reason, String detail) implements Event {
        }

        /** The stored record; always the last event. */
        public record Finished(TaskRecord record) implements Event {
        }
    }

    public Mono<TaskRecord> process(TaskJob job) {
        return Mono.defer(() -> {
            List<ChatMessage> prompt = job.prompt();
            TaskRun run = new TaskRun(job, false, clock);
            return chat.complete(firstCommand(job, prompt, cache(job)))
                    .flatMap(result -> judge(job, run, prompt, result))
                    .onErrorResume(TaskRun::reachedProviders, error -> Mono.just(run.failed(error, "")));
        }).flatMap(store::save);
    }

    public Flux<Event> stream(TaskJob job) {
        return Flux.defer(() -> {
            List<ChatMessage> prompt = job.prompt();
            TaskRun run = new TaskRun(job, true, clock);
            StringBuilder text = new StringBuilder();
            return chat.stream(firstCommand(job, prompt, cache(job)))
                    .concatMap(event -> onStreamEvent(job, run, prompt, text, event))
                    .onErrorResume(TaskRun::reachedProviders,
                            error -> Mono.just(new Event.Finished(run.failed(error, text.toString()))));
        }).concatMap(this::storeFinished);
    }

    private Flux<Event> onStreamEvent(TaskJob job, TaskRun run, List<ChatMessage> prompt, StringBuilder text,
            StreamEvent event) {
        if (event instanceof StreamEvent.Text delta) {
            text.append(delta.delta());
            return Flux.just(new Event.Delta(delta.delta()));
        }
        if (event instanceof StreamEvent.Done done) {
            ChatResult r = done.result();
            ChatResult whole = new ChatResult(r.id(), text.toString(), r.finishReason(), r.route(), r.usage(),
                    r.latencyMs(), r.attempts());
            return judgeStreamed(job, run, prompt, whole);
        }
        return Flux.empty();
    }

    private Flux<Event> judgeStreamed(TaskJob job, TaskRun run, List<ChatMessage> prompt, ChatResult result) {
        // judge() decides at once whether a repair round follows; the call itself runs on subscription.
        Flux<Event> finished = judge(job, run, prompt, result).<Event>map(Event.Finished::new).flux();
        StrictJson.Verdict rejected = run.rejectedAnswer();
        return rejected == null ? finished
                : Flux.concat(Mono.just(new Event.Repairing(rejected.failure().code(), rejected.detail())), finished);
    }

    /** Accepts the answer, or (strict tasks only) runs the one repair round and judges again. */
    private Mono<TaskRecord> judge(TaskJob job, TaskRun run, List<ChatMessage> prompt, ChatResult result) {
        run.answered(result);
        TaskProfile profile = job.task().profile();
        if (!profile.expectsJson()) {
            return Mono.just(run.succeeded(result, null));
        }
        StrictJson.Verdict verdict = strictJson.check(result.content(), job.task().schema());
        if (verdict.accepted() || !profile.strict()) {
            return Mono.just(run.succeeded(result, verdict.parsed()));
        }
        run.repairing(verdict);
        List<ChatMessage> repair = strictJson.repairConversation(prompt, result.content(), verdict, job.task().schema());
        return chat.complete(repairCommand(job, result, repair, cache(job)))
                .map(second -> {
                    run.answered(second);
                    StrictJson.Verdict again = strictJson.check(second.content(), job.task().schema());
                    return again.accepted() ? run.succeeded(second, again.parsed()) : run.rejected(second, again);
                });
    }

    private Mono<Event> storeFinished(Event event) {
        return event instanceof Event.Finished finished
                ? store.save(finished.record()).map(Event.Finished::new)
                : Mono.just(event);
    }

    /**
     * The first round. With a model: Path B (on {@code preferred_provider} when given); without: Path A
     * with {@code preferred_provider} tried first, then the task's {@code default_provider} (with its
     * {@code default_model}) and {@code fallback_providers}, in the task's provider order.
     */
    private CacheDirective cache(TaskJob job) {
        return job.cache().withOperatorTtl(cacheTtl.apply(job.task().name()));
    }

    static ChatCommand firstCommand(TaskJob job, List<ChatMessage> prompt, CacheDirective cache) {
        boolean named = job.model() != null;
        return ChatCommand.builder(job.requestId(), Surface.TASK, prompt)
                .provider(named ? job.preferredProvider() : null)
                .model(job.model())
                .maxTokens(maxTokens(job))
                .temperature(temperature(job))
                .preferredProvider(named ? null : job.preferredProvider())
                .route(named ? null : job.task().routing().preference())
                .responseFormat(responseFormat(job), true)
                .client(job.clientId())
                .cache(cache)
                .build();
    }

    /** The repair round goes to the provider and model that gave the rejected answer (their keys may rotate). */
    static ChatCommand repairCommand(TaskJob job, ChatResult answered, List<ChatMessage> conversation,
            CacheDirective cache) {
        String id = job.requestId().length() > 57 ? job.requestId().substring(0, 57) : job.requestId();
        return ChatCommand.builder(id + "-repair", Surface.TASK, conversation)
                .provider(answered.route().provider())
                .model(answered.route().model())
                .maxTokens(maxTokens(job))
                .temperature(temperature(job))
                .responseFormat(responseFormat(job), true)
                .client(job.clientId())
                .cache(cache)
                .build();
    }

    /**
     * A JSON task asks the provider for JSON (matching the task's schema, when it has one) wherever the
     * provider can honour it (structured output), so fewer answers need the repair round; a provider that
     * cannot is still used, without it, and the answer is checked as before.
     */
    static @Nullable ResponseFormat responseFormat(TaskJob job) {
        if (!job.task().profile().expectsJson()) {
            return null;
        }
        TaskSchema schema = job.task().schema();
        return schema == null ? ResponseFormat.JSON_OBJECT
                : ResponseFormat.schema(schemaName(job.task().name()), schema.json(), null);
    }

    /** OpenAI allows letters, digits, '_' and '-' in a schema name, 64 at most. */
    private static String schemaName(String task) {
        String name = task.replaceAll("[^A-Za-z0-9_-]", "_");
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    private static @Nullable Integer maxTokens(TaskJob job) {
        return job.maxTokens() != null ? job.maxTokens() : job.task().maxTokens();
    }

    private static @Nullable Double temperature(TaskJob job) {
        return job.temperature() != null ? job.temperature() : job.task().temperature();
    }
}
