package dev.switchboard.routing;

import dev.switchboard.cache.CachedAnswer;
import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.Choice;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The state of one request while it is routed: its plan, deadline, attempts and outcome. Created per
 * subscription; attempts are strictly sequential, so no locking is needed. Read by the recorder when
 * the request ends, however it ends.
 */
public final class RequestRun {

    /** How a request ended. */
    public enum Outcome {
        SUCCESS("success"), FAILED("failed"), CANCELLED("cancelled"), REJECTED("rejected");

        private final String code;

        Outcome(String code) {
            this.code = code;
        }

        /** The outcome as the request log, the ledger, the metrics and the live feed name it. */
        public String code() {
            return code;
        }
    }

    /**
     * The command, and what its prompt was once {@link #releasePrompt()} let it go: one volatile field, as a
     * hedge racer may read it on another thread while its rival commits.
     */
    private volatile AskedCommand asked;
    private @Nullable Supplier<RoutePlan> replanner;
    private RoutePlan plan;
    private int waits;
    private boolean replanPending;
    private final int maxAttempts;
    private final long startMillis;
    private final long deadlineMillis;
    private final List<Attempt> attempts = new ArrayList<>(2);
    /** The copy {@link #attempts()} last handed out; attempts are only ever appended, so its size dates it. */
    private @Nullable List<Attempt> attemptsCopy;
    private int upstreamAttempts;
    private @Nullable RouteInfo route;
    private @Nullable Usage usage;
    private @Nullable ErrorClass errorClass;
    private @Nullable String errorMessage;
    private long firstTokenMillis = -1;
    private long endMillis = -1;
    private int completionChars;
    private @Nullable Outcome outcome;
    private final long startNanos = System.nanoTime();
    private long endNanos;
    private long upstreamNanos;
    private @Nullable String finishReason;
    private @Nullable String responseText;
    private int toolCalls;
    private boolean relayed;
    private @Nullable Usage cachedUsage;
    private @Nullable String traceId;
    private int resumes;
    private boolean abandoned;
    private boolean hedged;

    RequestRun(ChatCommand command, RoutePlan plan, Supplier<RoutePlan> replanner, int maxAttempts, Duration deadline,
            long nowMillis) {
        this.asked = AskedCommand.of(command);
        this.plan = plan;
        this.replanner = replanner;
        this.maxAttempts = maxAttempts;
        this.startMillis = nowMillis;
        this.deadlineMillis = nowMillis + deadline.toMillis();
    }

    /**
     * The request's command; once its stream committed ({@link #releasePrompt()}), without its messages, tools
     * and relayed body.
     */
    public ChatCommand command() {
        return asked.command();
    }

    /** Characters of the prompt (messages and their tool calls), to estimate tokens when a provider reports none. */
    public int promptChars() {
        return asked.promptChars();
    }

    /** Whether {@code candidate} relays the client's body as it came ({@link Candidate#relays}), also once it is let go. */
    boolean relays(Candidate candidate) {
        return asked.relays(candidate);
    }

    /** Images in the prompt. */
    public int images() {
        return asked.images();
    }

    /** Messages in the prompt. */
    public int messageCount() {
        return asked.messageCount();
    }

    /** Tools the request offered. */
    public int toolCount() {
        return asked.toolCount();
    }

    /**
     * The stream committed to its candidate: the prompt is let go, with the plan and the replanner that hold it
     * too. No other candidate is tried after the commit (a failure then ends the stream), and what the end of
     * the request books and logs of the prompt is kept as counts. Why: an open stream keeps its request's
     * state for its whole life, and the prompt (a conversation, tools, images) is most of it: a 16 KB prompt
     * was 16 KB more heap for every open stream (docs/PERFORMANCE.md, "A stream kept its prompt").
     */
    void releasePrompt() {
        AskedCommand now = asked;
        if (now.released()) {
            return;
        }
        asked = now.withoutPrompt();
        plan = new SpentPlan(plan.path());
        replanner = null;
    }

    public RoutePlan plan() {
        return plan;
    }

    /** The next candidate, unless attempts, fallback or the deadline say stop. */
    @Nullable Candidate nextCandidate(long nowMillis) {
        if (replanPending) {
            replanPending = false;
            waits++;
            plan = Objects.requireNonNull(replanner, "no plan after the commit").get();
        }
        if (!mayContinue(nowMillis)) {
            return null;
        }
        return plan.next();
    }

    private boolean mayContinue(long nowMillis) {
        return upstreamAttempts < maxAttempts && (asked.command().fallback() || upstreamAttempts == 0)
                && nowMillis < deadlineMillis;
    }

    /** Waiting for a key to come back only makes sense while attempts and fallback allow another try. */
    boolean mayWaitForRecovery(long nowMillis) {
        return mayContinue(nowMillis);
    }

    /** The next attempt starts from a fresh plan (after waiting for keys to recover). */
    void replanBeforeNextAttempt() {
        replanPending = true;
    }

    int waits() {
        return waits;
    }

    long deadlineMillis() {
        return deadlineMillis;
    }

    Duration remaining(long nowMillis) {
        return Duration.ofMillis(Math.max(1, deadlineMillis - nowMillis));
    }

    boolean deadlinePassed(long nowMillis) {
        return nowMillis >= deadlineMillis;
    }

    /** The request waits for a key to come back; the wait shows among the attempts. */
    void waitedFor(RoutePlan.Recovery recovery, long waitMillis) {
        attempts.add(new Attempt(recovery.provider(), recovery.key(), recovery.model(), false, ErrorClass.WAITED, 0,
                "waited " + waitMillis + " ms for key " + recovery.key() + " to come back", waitMillis));
    }

    void failed(Candidate candidate, UpstreamException failure, long latencyMs) {
        upstreamAttempts++;
        attempts.add(new Attempt(candidate.provider().name(), candidate.key().alias(), candidate.model(), false,
                failure.errorClass(), failure.status(), failure.getMessage(), latencyMs));
        errorClass = failure.errorClass();
        errorMessage = failure.getMessage();
    }

    /** A hedge started a second upstream call with this candidate beside the running one. */
    synchronized void hedgedWith(Candidate candidate) {
        hedged = true;
    }

    /** Whether this request was hedged (at most once). */
    public boolean hedged() {
        return hedged;
    }

    /**
     * A hedged call the gateway cancelled because its rival delivered content first: an upstream call, but
     * no failure of the key or the provider.
     */
    synchronized void hedgedOut(Candidate candidate, long latencyMs) {
        upstreamAttempts++;
        attempts.add(new Attempt(candidate.provider().name(), candidate.key().alias(), candidate.model(), false,
                ErrorClass.HEDGED_OUT, 0, "cancelled: the hedged rival delivered content first", latencyMs));
    }

    void firstToken(RouteInfo committedRoute, long nowMillis) {
        route = committedRoute;
        firstTokenMillis = nowMillis - startMillis;
    }

    void succeeded(Candidate candidate, Usage finalUsage, int chars, String finish, @Nullable String text,
            int calls, long latencyMs, long nowMillis) {
        upstreamAttempts++;
        route = candidate.route();
        toolCalls = calls;
        relayed = relays(candidate);
        attempts.add(Attempt.succeeded(route, latencyMs));
        usage = finalUsage;
        completionChars = chars;
        finishReason = finish;
        responseText = text;
        endMillis = nowMillis;
        endNanos = System.nanoTime();
        outcome = Outcome.SUCCESS;
        errorClass = null;
        errorMessage = null;
    }

    /**
     * Answered from the response cache: no provider was asked, so no tokens were used now; the answer's
     * original usage is kept apart ({@link #cachedUsage}).
     */
    void servedFromCache(CachedAnswer answer, long nowMillis) {
        RouteInfo original = answer.route();
        route = new RouteInfo(original.provider(), original.key(), original.model(), plan.path());
        usage = new Usage(0, 0, 0, false);
        cachedUsage = answer.usage();
        Choice first = answer.choices().get(0);
        completionChars = first.content().length();
        finishReason = first.finishReason();
        responseText = first.content();
        firstTokenMillis = nowMillis - startMillis;
        endMillis = nowMillis;
        endNanos = System.nanoTime();
        outcome = Outcome.SUCCESS;
        errorClass = null;
        errorMessage = null;
    }

    /** Whether the response cache answered. */
    public boolean cacheHit() {
        return cachedUsage != null;
    }

    /** For a cache hit: what the stored answer cost when it was made; null otherwise. */
    public @Nullable Usage cachedUsage() {
        return cachedUsage;
    }

    /** After commit: the client went away; what was delivered still counts. */
    void cancelledMidStream(Candidate candidate, Usage partialUsage, int chars, long latencyMs) {
        upstreamAttempts++;
        attempts.add(new Attempt(candidate.provider().name(), candidate.key().alias(), candidate.model(), false,
                ErrorClass.CANCELLED, 200, "the client cancelled the stream", latencyMs));
        usage = partialUsage;
        completionChars = chars;
    }

    /** How a resumable stream reached its client: resumes, and whether the client never came back for the end. */
    void delivered(int resumeCount, boolean clientGone) {
        resumes = resumeCount;
        abandoned = clientGone;
    }

    /** Times the client came back and resumed this stream (resumable streams only). */
    public int resumes() {
        return resumes;
    }

    /** A resumable stream whose client went away and did not come back for the rest. */
    public boolean abandoned() {
        return abandoned;
    }

    /** Time spent waiting on an upstream attempt (the rest of a request's time is the gateway's own). */
    void addUpstreamNanos(long nanos) {
        upstreamNanos += nanos;
    }

    /** After commit: the stream broke; the delivered part still counts. */
    void failedMidStream(Candidate candidate, UpstreamException failure, Usage partialUsage, int chars,
            long latencyMs) {
        failed(candidate, failure, latencyMs);
        usage = partialUsage;
        completionChars = chars;
    }

    /** Records how the request ended unless it already succeeded (a cancel after success changes nothing). */
    public void end(Outcome how, long nowMillis) {
        if (outcome == null) {
            outcome = how;
        }
        if (endMillis < 0) {
            endMillis = nowMillis;
            endNanos = System.nanoTime();
        }
    }

    /** Wall time the gateway itself spent on this request: total time minus upstream waiting, in nanos. */
    public long overheadNanos() {
        long total = (endNanos == 0 ? System.nanoTime() : endNanos) - startNanos;
        return Math.max(0, total - upstreamNanos);
    }

    public @Nullable String finishReason() {
        return finishReason;
    }

    /** The answer text, kept only when {@code switchboard.usage.store-response-text} is on. */
    public @Nullable String responseText() {
        return responseText;
    }

    /** When the request started (epoch millis on the gateway clock). */
    public long startedAtMillis() {
        return startMillis;
    }

    /** The trace the request belongs to, when tracing is on. */
    public @Nullable String traceId() {
        return traceId;
    }

    void traceId(@Nullable String id) {
        traceId = id;
    }

    /**
     * The attempts so far, as an unmodifiable copy. One copy serves every reader until the next attempt: a
     * request's end reads them four times (the answer, the ledger, the request log, the live feed).
     */
    public List<Attempt> attempts() {
        List<Attempt> copy = attemptsCopy;
        if (copy == null || copy.size() != attempts.size()) {
            copy = List.copyOf(attempts);
            attemptsCopy = copy;
        }
        return copy;
    }

    /** Failures of this provider's own (server error, network, timeout, overload) in this request so far. */
    int troubles(String provider) {
        int n = 0;
        for (Attempt attempt : attempts) {
            if (!attempt.success() && attempt.errorClass() != null && attempt.errorClass().providerTrouble()
                    && attempt.provider().equals(provider)) {
                n++;
            }
        }
        return n;
    }

    /** Upstream attempts made (waits for a key are listed among the attempts but not counted). */
    public int attemptCount() {
        return upstreamAttempts;
    }

    public @Nullable RouteInfo route() {
        return route;
    }

    public @Nullable Usage usage() {
        return usage;
    }

    public @Nullable ErrorClass errorClass() {
        return errorClass;
    }

    public @Nullable String errorMessage() {
        return errorMessage;
    }

    public @Nullable Outcome outcome() {
        return outcome;
    }

    /**
     * The outcome's {@linkplain Outcome#code() code}, {@code failed} while there is none (a request that ended
     * without one did not succeed). A constant: no lower-casing of the enum's name a request, which with the
     * default locale would write {@code faıled} on a Turkish JVM.
     */
    public String outcomeCode() {
        return outcome == null ? Outcome.FAILED.code() : outcome.code();
    }

    public long latencyMs() {
        return endMillis < 0 ? -1 : endMillis - startMillis;
    }

    /** Time to first token for streams, -1 otherwise. */
    public long firstTokenMs() {
        return firstTokenMillis;
    }

    /** Whether the answer came from a provider of the client's wire format, relayed as it was sent. */
    public boolean relayed() {
        return relayed;
    }

    /** Tool calls in the answer (all choices). */
    public int toolCalls() {
        return toolCalls;
    }

    public int completionChars() {
        return completionChars;
    }

    long startMillis() {
        return startMillis;
    }
}
