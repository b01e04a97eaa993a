package dev.switchboard.routing;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.Completion;
import dev.switchboard.providers.UpstreamFailures;
import dev.switchboard.providers.UpstreamHeaders;
import dev.switchboard.routing.RequestTracing.AttemptEnd;
import dev.switchboard.routing.RequestTracing.AttemptSpan;
import dev.switchboard.support.LogContext;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.util.context.Context;

/**
 * What surrounds one upstream attempt, right around its call (inside the provider's guards, so an attempt
 * the circuit or the bulkhead refuses is none):
 *
 * <ul>
 *   <li>its span, when tracing is on: started when the call is made, ended when the attempt ends, however
 *       it ends (done, failed, cancelled by the client), with its time to first content, tokens and error
 *       class; the span's trace context goes into the call's Reactor context, where
 *       {@link UpstreamHeaders} adds it to the request;
 *   <li>the request's log context ({@link LogContext}) while the attempt's first element and its end travel
 *       on: whatever is logged because of them (a key cooling down, a circuit opening, an unknown model)
 *       carries the request id and trace id;
 *   <li>its bookkeeping: the upstream time is added to the request before the attempt's end travels on (so it is
 *       booked before the request's own end is measured), and the candidate's in-flight count drops after it.
 * </ul>
 *
 * One operator for all of it, rather than a {@code doOnTerminate}, a {@code doOnCancel} and a {@code doFinally}
 * around it: it lives as long as the stream, so every operator it saves is heap saved per open stream.
 *
 * Elements pass through as they are; per element the span's bookkeeping is a few type checks, and only when
 * tracing is on.
 */
final class AttemptScope<T> extends FluxOperator<T, T> {

    private final RequestRun run;
    private final Candidate candidate;
    private final RequestTracing tracing;
    private final Paces paces;
    private final long startNanos;

    /**
     * @param paces told when the attempt ends ({@link Paces#ended}); the caller told it that it started
     * @param startNanos when the attempt started ({@link System#nanoTime()}), for its upstream time
     */
    AttemptScope(Flux<? extends T> call, RequestRun run, Candidate candidate, RequestTracing tracing, Paces paces,
            long startNanos) {
        super(call);
        this.run = run;
        this.candidate = candidate;
        this.tracing = tracing;
        this.paces = paces;
        this.startNanos = startNanos;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        AttemptSpan span = tracing.enabled()
                ? tracing.attempt(candidate, run.attemptCount() + 1, actual.currentContext())
                : AttemptSpan.NONE;
        source.subscribe(new Scope<>(actual, span, this));
    }

    private static final class Scope<T> implements CoreSubscriber<T>, Subscription {

        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Scope> ENDED =
                AtomicIntegerFieldUpdater.newUpdater(Scope.class, "ended");

        private final CoreSubscriber<? super T> actual;
        private final Context context;
        private final AttemptSpan span;
        private final boolean traced;
        private final RequestRun run;
        private final Candidate candidate;
        private final Paces paces;
        private final long startNanos;
        /** 1 once the attempt ended (a terminal signal or a cancel, whichever came first). */
        private volatile int ended;
        private @Nullable Subscription upstream;
        private boolean first = true;
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
            this.startNanos = scope.startNanos;
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
            try (LogContext ignored = logContext()) {
                actual.onNext(element);
            }
        }

        @Override
        public void onError(Throwable error) {
            boolean first = end();
            if (first && traced) {
                span.end(new AttemptEnd(AttemptEnd.FAILED, classify(error), delivered(), finishReason));
            }
            try (LogContext ignored = logContext()) {
                actual.onError(error);
            }
            if (first) {
                paces.ended(candidate);
            }
        }

        @Override
        public void onComplete() {
            boolean first = end();
            if (first && traced) {
                span.end(content ? new AttemptEnd(AttemptEnd.SUCCESS, null, delivered(), finishReason)
                        // FallbackChain fails such a stream the same way
                        : new AttemptEnd(AttemptEnd.FAILED, UpstreamException.of(ErrorClass.SERVER_ERROR,
                                "upstream stream ended without any content"), null, null));
            }
            try (LogContext ignored = logContext()) {
                actual.onComplete();
            }
            if (first) {
                paces.ended(candidate);
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            boolean first = end();
            if (first && traced) {
                span.end(new AttemptEnd(AttemptEnd.CANCELLED, null, delivered(), finishReason));
            }
            upstream.cancel();
            if (first) {
                paces.ended(candidate);
            }
        }

        private LogContext logContext() {
            return LogContext.open(run.command().requestId(), run.traceId());
        }

        /** Marks the attempt ended and books its upstream time; false when it had ended already. */
        private boolean end() {
            if (!ENDED.compareAndSet(this, 0, 1)) {
                return false;
            }
            run.addUpstreamNanos(System.nanoTime() - startNanos);
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
            return content ? Usage.estimate(run.command().promptChars(), chars) : null;
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

        private void chunk(ChatChunk chunk) {
            if (!content && chunk.isContent()) {
                contentArrived();
            }
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
