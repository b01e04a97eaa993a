package dev.switchboard.routing;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.Completion;
import dev.switchboard.providers.UpstreamFailures;
import dev.switchboard.providers.UpstreamHeaders;
import dev.switchboard.routing.ProviderGuards.CallGuards;
import dev.switchboard.routing.RequestTracing.AttemptEnd;
import dev.switchboard.routing.RequestTracing.AttemptSpan;
import dev.switchboard.support.LogContext;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * What surrounds one upstream attempt, right around its call:
 *
 * <ul>
 *   <li>the provider's guards ({@link ProviderGuards.CallGuards}): the bulkhead's and the circuit's permits
 *       taken when the call is subscribed (a refused call fails at once and is no attempt: no span, not
 *       counted in flight), the call's end recorded in the circuit and the bulkhead's permit released;
 *   <li>its span, when tracing is on: started when the call is made, ended when the attempt ends, however
 *       it ends (done, failed, cancelled by the client), with its time to first content, tokens and error
 *       class; the span's trace context goes into the call's Reactor context ({@link UpstreamHeaders}), where
 *       the upstream transport sets it on the request;
 *   <li>the request's log context ({@link LogContext}) while the attempt's first element and its end travel
 *       on: whatever is logged because of them (a key cooling down, a circuit opening, an unknown model)
 *       carries the request id and trace id;
 *   <li>its bookkeeping, once, before its end travels on (so the upstream time is booked before the request's
 *       own end is measured): the time it took as upstream time of the request (for a whole answer, until the
 *       answer arrived: what the gateway does with it before the call completes is its own time), and the call
 *       counted in flight in the latency figures ({@link Paces}) from subscription to its end. One operator
 *       does all of it: a {@code doOnTerminate}, {@code doOnCancel} and {@code doFinally} each cost a
 *       subscriber per call.
 * </ul>
 *
 * Elements pass through as they are; per element the span's bookkeeping is a few type checks, and only when
 * tracing is on. The guards' bookkeeping is once a call: every chunk of a stream passes this one subscriber
 * instead of this one and Resilience4j's two.
 */
final class AttemptScope<T> extends FluxOperator<T, T> {

    private final RequestRun run;
    private final Candidate candidate;
    private final RequestTracing tracing;
    private final Paces paces;
    private final CallGuards guards;

    AttemptScope(Flux<? extends T> call, RequestRun run, Candidate candidate, RequestTracing tracing, Paces paces,
            CallGuards guards) {
        super(call);
        this.run = run;
        this.candidate = candidate;
        this.tracing = tracing;
        this.paces = paces;
        this.guards = guards;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        RuntimeException refused = guards.admit();
        if (refused != null) {
            Operators.error(actual, refused);
            return;
        }
        AttemptSpan span = tracing.enabled()
                ? tracing.attempt(candidate, run.attemptCount() + 1, actual.currentContext())
                : AttemptSpan.NONE;
        paces.started(candidate);
        source.subscribe(new Scope<>(actual, span, this));
    }

    private static final class Scope<T> implements CoreSubscriber<T>, Subscription {

        private final CoreSubscriber<? super T> actual;
        private final Context context;
        private final AttemptSpan span;
        private final boolean traced;
        private final RequestRun run;
        private final Candidate candidate;
        private final Paces paces;
        private final CallGuards guards;
        private final long startNanos = System.nanoTime();
        private final long guardsStart;
        private final AtomicBoolean ended = new AtomicBoolean();
        private @Nullable Subscription upstream;
        private boolean first = true;
        /** Whether anything came, for a cancel from another thread: written once, with the first element. */
        private volatile boolean receivedAny;
        /**
         * When a whole answer (a {@link Completion}) arrived, else 0: the upstream's part of the request ends
         * there, though the call completes only after the answer went on through the gateway (and, for a
         * non-streamed request, often its response was written), which is the gateway's own time.
         */
        private long answeredNanos;
        // what the span reports; written by the signals, read at their end (or by a cancel, racing benignly)
        private boolean content;
        private int chars;
        private @Nullable Usage usage;
        private @Nullable String finishReason;

        Scope(CoreSubscriber<? super T> actual, AttemptSpan span, AttemptScope<T> scope) {
            this.actual = actual;
            this.span = span;
            this.traced = span != AttemptSpan.NONE;
            this.run = scope.run;
            this.candidate = scope.candidate;
            this.paces = scope.paces;
            this.guards = scope.guards;
            this.guardsStart = guards.now();
            this.context = UpstreamHeaders.into(actual.currentContext(), span.headers());
        }

        @Override
        public Context currentContext() {
            return context;
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            upstream = subscription;
            actual.onSubscribe(this);
        }

        @Override
        public void onNext(T element) {
            if (traced) {
                observe(element);
            }
            if (!first) {
                actual.onNext(element);
                return;
            }
            first = false;
            receivedAny = true;
            if (element instanceof Completion) {
                answeredNanos = System.nanoTime();
            }
            try (LogContext ignored = logContext()) {
                actual.onNext(element);
            }
        }

        @Override
        public void onError(Throwable error) {
            boolean ending = end(traced
                    ? new AttemptEnd(AttemptEnd.FAILED, classify(error), delivered(), finishReason) : null);
            try (LogContext ignored = logContext()) {
                if (ending) {
                    guards.failed(guardsStart, error);
                }
                actual.onError(error);
            }
        }

        @Override
        public void onComplete() {
            boolean ending = end(!traced ? null
                    : content ? new AttemptEnd(AttemptEnd.SUCCESS, null, delivered(), finishReason)
                    // FallbackChain fails such a stream the same way
                    : new AttemptEnd(AttemptEnd.FAILED, UpstreamException.of(ErrorClass.SERVER_ERROR,
                            "upstream stream ended without any content"), null, null));
            try (LogContext ignored = logContext()) {
                if (ending) {
                    guards.succeeded(guardsStart);
                }
                actual.onComplete();
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            if (end(traced ? new AttemptEnd(AttemptEnd.CANCELLED, null, delivered(), finishReason) : null)) {
                guards.cancelled(guardsStart, receivedAny);
            }
            upstream.cancel();
        }

        private LogContext logContext() {
            return LogContext.open(run.command().requestId(), run.traceId());
        }

        /**
         * The attempt's end, once however it ends; {@code end} is what its span records (null: no span). True
         * for the signal that ended it, which then books the end in the guards.
         */
        private boolean end(@Nullable AttemptEnd end) {
            if (!ended.compareAndSet(false, true)) {
                return false;
            }
            long answered = answeredNanos;
            run.addUpstreamNanos((answered != 0 ? answered : System.nanoTime()) - startNanos);
            paces.ended(candidate);
            if (end != null) {
                span.end(end);
            }
            return true;
        }

        private UpstreamException classify(Throwable error) {
            return ErrorOverrides.apply(candidate.provider(), UpstreamFailures.classify(error));
        }

        /** Tokens of what was delivered: the provider's count, else an estimate; null when nothing was. */
        private @Nullable Usage delivered() {
            if (usage != null && !usage.estimated()) {
                return usage;
            }
            return content ? Usage.estimate(run.promptChars(), chars) : null;
        }

        private void observe(T element) {
            if (element instanceof ChatChunk chunk) {
                chunk(chunk);
            } else if (element instanceof Completion completion) {
                contentArrived();
                chars = completion.chars();
                usage = completion.usage();
                finishReason = completion.finishReason();
            }
        }

        private void chunk(ChatChunk element) {
            if (!content && element.isContent()) {
                contentArrived();
            }
            ChatChunk chunk = element instanceof ChatChunk.Relay relay && relay.meaning() != null
                    ? relay.meaning() : element;
            if (chunk instanceof ChatChunk.Delta delta) {
                chars += delta.text().length();
            } else if (chunk instanceof ChatChunk.ReasoningDelta reasoning) {
                chars += reasoning.text().length();
            } else if (chunk instanceof ChatChunk.RefusalDelta refusal) {
                chars += refusal.text().length();
            } else if (chunk instanceof ChatChunk.ToolCallDelta call) {
                chars += call.arguments().length();
            } else if (chunk instanceof ChatChunk.Finish finish && finish.choice() == 0) {
                finishReason = finish.reason();
            } else if (chunk instanceof ChatChunk.UsageReport report) {
                usage = report.usage();
            }
        }

        private void contentArrived() {
            content = true;
            span.firstContent();
        }
    }
}
