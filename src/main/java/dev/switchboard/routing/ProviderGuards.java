package dev.switchboard.routing;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.config.ResilienceProperties;
import dev.switchboard.providers.Provider;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resilience4j's circuit breaker and bulkhead, one of each per provider.
 *
 * <p>The circuit counts only failures that are the provider's, not a key's: server errors, network
 * errors, timeouts and overload. It opens after {@code circuit-failure-threshold} of them in a row
 * (a count-based window of that size at a 100 % failure rate), stays open for
 * {@code circuit-open-duration}, then admits {@code circuit-half-open-calls} trial calls. The bulkhead is
 * a semaphore without waiting: a full provider is skipped (Path A) or answered with 429 (Path B).
 */
public final class ProviderGuards {

    private static final Logger log = LoggerFactory.getLogger(ProviderGuards.class);
    private static final Set<ErrorClass> PROVIDER_FAILURES =
            EnumSet.of(ErrorClass.SERVER_ERROR, ErrorClass.NETWORK, ErrorClass.TIMEOUT, ErrorClass.OVERLOADED);

    /** Longer than any call can last (the request and stream deadlines end it first). */
    private static final Duration NEVER_SLOW = Duration.ofDays(365);

    private final CircuitBreakerRegistry circuits;
    private final BulkheadRegistry bulkheads;

    public ProviderGuards(ResilienceProperties properties, Clock clock) {
        int threshold = Math.max(1, properties.circuitFailureThreshold());
        CircuitBreakerConfig circuit = CircuitBreakerConfig.custom()
                // the default window: a ring of slots reused in place. Its lock is never contended by the event
                // loops, which record one at a time (CallGuards). Not the lock-free one: it adds a node to a linked
                // list for every call, and a node the collector had promoted keeps every later one alive (see
                // CallGuards)
                .slidingWindow(threshold, threshold, SlidingWindowType.COUNT_BASED,
                        SlidingWindowSynchronizationStrategy.SYNCHRONIZED)
                .failureRateThreshold(100)
                // a long answer is not a failure: Resilience4j counts a call over 60 s as slow by default and
                // opens a circuit whose window is all slow calls, so five streams of over a minute in a row shut
                // a healthy provider out (every 20,000-stream hold of bench/hold ended with its circuit open).
                // Slow upstreams are caught by the stream's own deadlines (first chunk, idle) as timeouts.
                .slowCallDurationThreshold(NEVER_SLOW)
                .waitDurationInOpenState(properties.circuitOpenDuration())
                .permittedNumberOfCallsInHalfOpenState(properties.circuitHalfOpenCalls())
                .recordException(ProviderGuards::isProviderFailure)
                .ignoreException(error -> !isProviderFailure(error))
                .clock(clock)
                .currentTimestampFunction(c -> c.millis(), TimeUnit.MILLISECONDS)
                .build();
        this.circuits = CircuitBreakerRegistry.of(circuit);
        circuits.getEventPublisher().onEntryAdded(added -> added.getAddedEntry().getEventPublisher()
                .onStateTransition(event -> log.warn("Circuit of provider {}: {}", event.getCircuitBreakerName(),
                        event.getStateTransition())));
        this.bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(properties.maxConcurrentCalls())
                .maxWaitDuration(Duration.ZERO)
                .build());
    }

    public CircuitBreaker circuitBreaker(Provider provider) {
        return circuits.circuitBreaker(provider.name());
    }

    /** The provider's bulkhead; a changed {@code max-concurrent} (after a reload) is applied in place. */
    public Bulkhead bulkhead(Provider provider) {
        int max = Math.max(1, provider.maxConcurrent());
        Bulkhead bulkhead = bulkheads.bulkhead(provider.name(), () -> BulkheadConfig.from(bulkheads.getDefaultConfig())
                .maxConcurrentCalls(max)
                .build());
        if (bulkhead.getBulkheadConfig().getMaxConcurrentCalls() != max) {
            bulkhead.changeConfig(BulkheadConfig.from(bulkhead.getBulkheadConfig()).maxConcurrentCalls(max).build());
        }
        return bulkhead;
    }

    /** The provider's circuit breaker and bulkhead for one upstream call ({@link CallGuards}). */
    public CallGuards forCall(Provider provider) {
        return new CallGuards(circuitBreaker(provider), bulkhead(provider));
    }

    /**
     * The provider's bulkhead and circuit breaker around one upstream call, used as Resilience4j's reactor
     * operators use them ({@code BulkheadOperator} outside {@code CircuitBreakerOperator}): the bulkhead's
     * permit first, then the circuit's; the call's end recorded in the circuit (a failure, a success, or, for a
     * call cancelled before it delivered anything, the permit given back) and the bulkhead's permit released.
     *
     * <p>Why not the operators themselves: each is a subscriber every chunk of a stream passes through (two
     * atomic writes and two interface calls a chunk). {@link AttemptScope} already sees the call's subscription
     * and end, so it takes and gives back the permits there (docs/PERFORMANCE.md).
     *
     * <p>Outcomes are recorded one at a time per circuit, under the circuit's monitor (Resilience4j takes none of
     * its own), held for the recording alone: under a microsecond, the kind of short monitor {@code ResumableStream}
     * holds on the event loops.
     * So the window's own lock is never contended by two event loops, where a loop would park on it. Resilience4j's
     * lock-free window needs no lock but links a new node for every call to the one before, and the nodes dropped
     * from the window keep their links: once the collector has promoted one (a provider idle for a while), each
     * later call's node stays reachable from it, is copied by every young collection and promoted in turn. Measured
     * (docs/PERFORMANCE.md): after 45 s of load on one provider, calls to both had young pauses of 27 to 92 ms and
     * 2.5 to 8.7 µs a request on the collector's threads, against 4 to 10 ms and 0.2 to 0.6 µs with this window.
     */
    public record CallGuards(CircuitBreaker circuit, Bulkhead bulkhead) {

        /** Takes both permits; null when given, else the refusal as the operators raise it (no permit kept). */
        public @Nullable RuntimeException admit() {
            if (!bulkhead.tryAcquirePermission()) {
                return BulkheadFullException.createBulkheadFullException(bulkhead);
            }
            if (!circuit.tryAcquirePermission()) {
                bulkhead.onComplete();
                return CallNotPermittedException.createCallNotPermittedException(circuit);
            }
            return null;
        }

        /** The circuit's clock, which times the call. */
        public long now() {
            return circuit.getCurrentTimestamp();
        }

        public void succeeded(long start) {
            recordSuccess(start);
            bulkhead.onComplete();
        }

        public void failed(long start, Throwable error) {
            recordFailure(start, error);
            bulkhead.onComplete();
        }

        /** Cancelled: a success once it delivered something, else a call that never was. */
        public void cancelled(long start, boolean delivered) {
            if (delivered) {
                recordSuccess(start);
                bulkhead.onComplete();
            } else {
                circuit.releasePermission();
                bulkhead.releasePermission();
            }
        }

        private void recordSuccess(long start) {
            synchronized (circuit) {
                circuit.onSuccess(now() - start, circuit.getTimestampUnit());
            }
        }

        private void recordFailure(long start, Throwable error) {
            synchronized (circuit) {
                circuit.onError(now() - start, circuit.getTimestampUnit(), error);
            }
        }
    }

    /** Open (or forced open): skip in Path A, fail fast in Path B. Half-open lets trial calls through. */
    public boolean circuitOpen(Provider provider) {
        CircuitBreaker.State state = circuitBreaker(provider).getState();
        if (state == CircuitBreaker.State.OPEN) {
            // A call on an open circuit past its wait moves it to half-open; permission is given back at once.
            if (circuitBreaker(provider).tryAcquirePermission()) {
                circuitBreaker(provider).releasePermission();
                return false;
            }
            return true;
        }
        return state == CircuitBreaker.State.FORCED_OPEN;
    }

    public CircuitBreakerRegistry circuits() {
        return circuits;
    }

    public BulkheadRegistry bulkheads() {
        return bulkheads;
    }

    static boolean isProviderFailure(Throwable error) {
        return error instanceof UpstreamException upstream && PROVIDER_FAILURES.contains(upstream.errorClass());
    }
}
