package dev.switchboard.observability.live;

import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.Usage;
import dev.switchboard.keys.KeyStateChange;
import dev.switchboard.keys.KeyStatus;
import dev.switchboard.routing.PaceView;
import dev.switchboard.routing.RequestObserver;
import dev.switchboard.routing.RequestRun;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * The gateway as it happens, for dashboards: every ended request, every key state change and a
 * once-a-second snapshot.
 *
 * <p>The request path only records a sample and hands the event to a best-effort multicast sink (a
 * monitor held for a few field writes and queue offers, never a wait). Each listener reads through its
 * own bounded buffer and its own scheduler hop: a listener that does not keep up loses its oldest events
 * (counted in {@code dropped_events}), never slows requests or other listeners. Snapshots are computed
 * once per tick and shared; a slow listener only ever gets the latest one.
 */
public final class LiveFeed implements RequestObserver, AutoCloseable {

    private final Clock clock;
    private final RequestWindow window;
    private final IntSupplier inFlight;
    private final @Nullable QueueReadout queue;
    private volatile @Nullable Supplier<Map<String, PaceView>> providers;
    private final int bufferPerListener;
    private final Sinks.Many<LiveEvent> events = Sinks.many().multicast().directBestEffort();
    private final Flux<LiveEvent> ticks;
    private final AtomicInteger listeners = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private @Nullable Disposable keyChanges;

    /**
     * @param inFlight upstream calls in progress now
     * @param bufferPerListener events held for one slow listener before its oldest are dropped
     * @param queue the job queue's figures, or null without one
     */
    public LiveFeed(Clock clock, Duration window, Duration tick, IntSupplier inFlight, int bufferPerListener,
            @Nullable QueueReadout queue) {
        this.clock = clock;
        this.queue = queue;
        this.window = new RequestWindow(window.toMillis(), 32_768);
        this.inFlight = inFlight;
        this.bufferPerListener = bufferPerListener;
        this.ticks = Flux.interval(tick, tick)
                .onBackpressureDrop()
                .<LiveEvent>map(i -> snapshot())
                .share();
    }

    /** Follows the keys' state changes until {@link #close()}. */
    /** Adds each provider's running figures ({@code routing/Paces}) to every snapshot. */
    public LiveFeed showing(Supplier<Map<String, PaceView>> providerFigures) {
        this.providers = providerFigures;
        return this;
    }

    public LiveFeed follow(Flux<KeyStateChange> keyStateChanges) {
        keyChanges = keyStateChanges.subscribe(change -> emit(keyChanged(change)));
        return this;
    }

    /** A listener's view: a snapshot at once, then events and a snapshot per tick, until it cancels. */
    public Flux<LiveEvent> listen() {
        Flux<LiveEvent> live = events.asFlux()
                .onBackpressureBuffer(bufferPerListener, droppedEvent -> dropped.incrementAndGet(),
                        BufferOverflowStrategy.DROP_OLDEST);
        return Flux.merge(ticks.onBackpressureLatest(), live)
                .publishOn(Schedulers.parallel(), 64)
                .startWith(Mono.<LiveEvent>fromSupplier(this::snapshot))
                .doOnSubscribe(s -> listeners.incrementAndGet())
                .doFinally(signal -> listeners.decrementAndGet());
    }

    @Override
    public void ended(RequestRun run) {
        long now = clock.millis();
        boolean fallback = run.attemptCount() > 1;
        boolean error = run.outcome() != RequestRun.Outcome.SUCCESS && run.outcome() != RequestRun.Outcome.CANCELLED;
        window.record(now, Math.max(0, run.latencyMs()), run.firstTokenMs(), error, fallback);
        if (events.currentSubscriberCount() > 0) {
            emit(requestEnded(run, now, fallback));
        }
    }

    LiveEvent.Snapshot snapshot() {
        RequestWindow.Summary s = window.summarize(clock.millis());
        Supplier<Map<String, PaceView>> figures = providers;
        return new LiveEvent.Snapshot("snapshot", Instant.ofEpochMilli(clock.millis()),
                (int) (window.windowMillis() / 1000), Math.round(s.perSecond() * 100) / 100.0, s.requests(),
                s.errors(), s.fallbacks(), s.latencyP50(), s.latencyP95(), s.ttftP50(), s.ttftP95(),
                inFlight.getAsInt(), listeners.get(), dropped.get(), queue == null ? null : queue.read(),
                figures == null ? null : figures.get());
    }

    /** The sink takes one emitter at a time; the section is a handful of queue offers. */
    private void emit(LiveEvent event) {
        synchronized (events) {
            events.tryEmitNext(event);
        }
    }

    private static LiveEvent.RequestEnded requestEnded(RequestRun run, long now, boolean fallback) {
        RouteInfo route = run.route();
        List<Attempt> attempts = run.attempts();
        Attempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        Usage usage = run.usage();
        return new LiveEvent.RequestEnded("request", Instant.ofEpochMilli(now), run.command().requestId(),
                run.command().surface().code(), run.plan().path().code(),
                route != null ? route.provider() : last != null ? last.provider() : null,
                route != null ? route.key() : last != null ? last.key() : null,
                route != null ? route.model() : last != null ? last.model() : null,
                run.outcomeCode(),
                run.errorClass(), Math.max(0, run.latencyMs()), run.firstTokenMs() >= 0 ? run.firstTokenMs() : null,
                usage == null || usage.totalTokens() == 0 ? null : usage.totalTokens(), fallback,
                attempts.stream().map(LiveFeed::summary).toList());
    }

    private static LiveEvent.AttemptSummary summary(Attempt a) {
        return new LiveEvent.AttemptSummary(a.provider(), a.key(), a.model(), a.outcome(),
                a.errorClass(), a.status() > 0 ? a.status() : null, a.latencyMs());
    }

    private static LiveEvent.KeyChanged keyChanged(KeyStateChange change) {
        boolean timed = change.status() != KeyStatus.ACTIVE && change.status() != KeyStatus.DISABLED
                && change.untilMillis() > 0 && !KeyStateChange.indefinite(change.untilMillis());
        return new LiveEvent.KeyChanged("key", Instant.ofEpochMilli(change.atMillis()), change.provider(),
                change.alias(), change.status().code(), change.reason(),
                timed ? Instant.ofEpochMilli(change.untilMillis()) : null, change.consecutiveFailures());
    }

    @Override
    public void close() {
        if (keyChanges != null) {
            keyChanges.dispose();
        }
        events.tryEmitComplete();
    }
}
