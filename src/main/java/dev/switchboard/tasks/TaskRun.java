package dev.switchboard.tasks;

import dev.switchboard.api.ErrorAnswers;
import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.CandidatesExhaustedException;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.MidStreamException;
import dev.switchboard.chat.UpstreamException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The state of one task while it runs (attempts, usage, repair round) and the {@link TaskRecord} it ends
 * in. Created per subscription; its rounds run one after the other, so it needs no locking.
 */
public final class TaskRun {

    static final String ANSWER = "answer";
    static final String REPAIR = "repair";

    private final TaskJob job;
    private final String id = nextId();
    private final List<FallbackStep> steps = new ArrayList<>(2);
    private final Map<String, Object> extra = new LinkedHashMap<>();
    private TaskUsage usage = TaskUsage.NONE;
    private String round = ANSWER;
    private StrictJson.@Nullable Verdict rejectedAnswer;

    private final Clock clock;

    public TaskRun(TaskJob job, boolean streamed, Clock clock) {
        this.job = job;
        this.clock = clock;
        if (streamed) {
            extra.put("stream", true);
        }
    }

    /** Whether an upstream failure belongs in a stored {@code success:false} record (the providers were reached). */
    public static boolean reachedProviders(Throwable error) {
        return error instanceof CandidatesExhaustedException || error instanceof UpstreamException
                || error instanceof MidStreamException;
    }

    public String id() {
        return id;
    }

    public void answered(ChatResult result) {
        if (result.cache().header() != null) {
            extra.merge("cache", result.cache().header(), (first, later) -> first + "," + later);
        }
        for (Attempt attempt : result.attempts()) {
            steps.add(FallbackStep.of(round, attempt));
        }
        usage = usage.plus(result.usage());
    }

    /** The first answer was rejected: the next round is the repair round. */
    public void repairing(StrictJson.Verdict verdict) {
        extra.put("repair", Map.of("reason", verdict.failure().code(), "detail", verdict.detail()));
        round = REPAIR;
        rejectedAnswer = verdict;
    }

    public boolean repairRound() {
        return REPAIR.equals(round);
    }

    /** Why the first answer was rejected, when a repair round runs; null otherwise. */
    public StrictJson.@Nullable Verdict rejectedAnswer() {
        return rejectedAnswer;
    }

    public TaskRecord succeeded(ChatResult result, @Nullable JsonNode parsed) {
        Map<String, Object> meta = metadata();
        meta.put("key", result.route().key());
        meta.put("path", result.route().path().code());
        meta.put("finish_reason", result.finishReason());
        return record(true, result.route().provider(), result.route().model(), result.content(), parsed, null, meta);
    }

    /** A strict task whose answer was still unacceptable after the repair round. */
    public TaskRecord rejected(ChatResult result, StrictJson.Verdict verdict) {
        Map<String, Object> meta = metadata();
        meta.put("error_code", verdict.failure().code());
        meta.put("key", result.route().key());
        String message = "The answer " + verdict.failure().phrase() + ", also after one repair round: "
                + verdict.detail();
        return record(false, result.route().provider(), result.route().model(), result.content(), verdict.parsed(),
                message, meta);
    }

    /** The providers failed; {@code partial} is what a broken stream had delivered (empty otherwise). */
    public TaskRecord failed(Throwable error, String partial) {
        Map<String, Object> meta = metadata();
        if (error instanceof CandidatesExhaustedException all) {
            all.attempts().forEach(a -> steps.add(FallbackStep.of(round, a)));
        } else if (error instanceof MidStreamException mid) {
            mid.attempts().forEach(a -> steps.add(FallbackStep.of(round, a)));
        } else if (error instanceof UpstreamException upstream) {
            steps.add(new FallbackStep(round, null, null, null, "error", upstream.errorClass(),
                    upstream.status() > 0 ? upstream.status() : null, upstream.getMessage(), 0));
        }
        ErrorAnswers.Answer answer = ErrorAnswers.of(error, job.requestId());
        meta.put("error_code", answer.code());
        String message = answer.message();
        FallbackStep last = lastWithProvider();
        return record(false, last == null ? null : last.provider(), last == null ? null : last.model(),
                partial.isEmpty() ? null : partial, null, message, meta);
    }

    private Map<String, Object> metadata() {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("request_id", job.requestId());
        meta.put("output_format", job.task().profile().outputFormat());
        meta.put("strict", job.task().profile().strict());
        meta.put("rounds", repairRound() ? 2 : 1);
        if (job.task().profile().strict()) {
            meta.put("repaired", repairRound());
        }
        meta.put("input_chars", job.text().length());
        if (!job.fileInfo().isEmpty()) {
            meta.put("file", job.fileInfo());
        }
        meta.putAll(extra);
        return meta;
    }

    private TaskRecord record(boolean success, @Nullable String provider, @Nullable String model,
            @Nullable String response, @Nullable JsonNode parsed, @Nullable String error, Map<String, Object> meta) {
        double seconds = Math.round((System.nanoTime() - job.startNanos()) / 1_000_000.0) / 1000.0;
        return new TaskRecord(id, success, job.task().name(), job.inputType(), job.inputData(), provider, model,
                response, parsed, usage, seconds, error, meta, steps, steps.size(), clock.instant(), job.clientId());
    }

    private @Nullable FallbackStep lastWithProvider() {
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (steps.get(i).provider() != null) {
                return steps.get(i);
            }
        }
        return null;
    }

    /** {@code task_} and 24 hex digits, from {@link ThreadLocalRandom} (never blocks an event loop). */
    public static String nextId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "task_" + String.format("%016x%08x", random.nextLong(), random.nextInt());
    }
}
