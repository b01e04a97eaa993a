package dev.switchboard.keys;

import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.support.UtcDay;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls per UTC day, per key, per (provider, model) and per provider, against their daily limits
 * (0 = unlimited). The day is read from the injected {@link Clock}, so counters reset at 00:00 UTC and
 * tests can move time.
 *
 * <p>A call is counted when it is about to be made ({@link #tryAcquire}), so concurrent requests cannot
 * overshoot a limit on one instance. Each counter holds the shared total last read from PostgreSQL plus
 * this instance's calls not yet written there; see {@link #pendingDeltas()} and {@link #applyTotal}.
 */
public final class DailyLimits {

    /** What a counter counts. */
    public enum Scope {
        KEY("key"), MODEL("model"), PROVIDER("provider");

        private final String code;

        Scope(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** One counter's identity. */
    public record CounterId(LocalDate day, Scope scope, String provider, String name) {
    }

    /** A counter's calls not yet persisted. */
    public record Delta(CounterId id, long calls) {
    }

    private final Clock clock;
    private final Map<CounterId, Counter> counters = new ConcurrentHashMap<>();

    public DailyLimits(Clock clock) {
        this.clock = clock;
    }

    public LocalDate today() {
        return UtcDay.today(clock);
    }

    /** The next 00:00 UTC, when every daily counter starts again. */
    public Instant nextReset() {
        return today().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Counts one call of this key and model, unless any of the three limits is reached. */
    public boolean tryAcquire(Provider provider, ApiKey key, String model) {
        LocalDate day = today();
        Counter keyCounter = counter(day, Scope.KEY, provider.name(), key.alias());
        Counter modelCounter = counter(day, Scope.MODEL, provider.name(), model);
        Counter providerCounter = counter(day, Scope.PROVIDER, provider.name(), "");
        if (!keyCounter.tryAcquire(key.dailyLimit())) {
            return false;
        }
        if (!modelCounter.tryAcquire(modelLimit(provider, model))) {
            keyCounter.release();
            return false;
        }
        if (!providerCounter.tryAcquire(provider.dailyLimit())) {
            keyCounter.release();
            modelCounter.release();
            return false;
        }
        return true;
    }

    /**
     * Gives back a call counted by {@link #tryAcquire} that the provider did not charge for (it did not know
     * the model). Written with the next flush like any count, as a negative delta.
     */
    public void refund(Provider provider, ApiKey key, String model) {
        LocalDate day = today();
        counter(day, Scope.KEY, provider.name(), key.alias()).release();
        counter(day, Scope.MODEL, provider.name(), model).release();
        counter(day, Scope.PROVIDER, provider.name(), "").release();
    }

    public boolean keyExhausted(Provider provider, ApiKey key) {
        return exhausted(key.dailyLimit(), used(Scope.KEY, provider.name(), key.alias()));
    }

    public boolean modelExhausted(Provider provider, String model) {
        return exhausted(modelLimit(provider, model), used(Scope.MODEL, provider.name(), model));
    }

    public boolean providerExhausted(Provider provider) {
        return exhausted(provider.dailyLimit(), used(Scope.PROVIDER, provider.name(), ""));
    }

    public long used(Scope scope, String provider, String name) {
        Counter c = counters.get(new CounterId(today(), scope, provider, name));
        return c == null ? 0 : c.used();
    }

    /** Calls left today for this key, Long.MAX_VALUE when unlimited. */
    public long keyRemaining(String provider, ApiKey key) {
        return key.dailyLimit() == 0 ? Long.MAX_VALUE
                : Math.max(0, key.dailyLimit() - used(Scope.KEY, provider, key.alias()));
    }

    /** Takes the calls not yet persisted (to be written by the store), marking them as in flight. */
    public List<Delta> pendingDeltas() {
        List<Delta> out = new ArrayList<>();
        counters.forEach((id, c) -> {
            long delta = c.beginFlush();
            if (delta > 0) {
                out.add(new Delta(id, delta));
            }
        });
        return out;
    }

    /** The store wrote a delta and read back the shared total. */
    public void applyTotal(CounterId id, long sharedTotal, boolean includesOwnFlush) {
        Counter c = counters.computeIfAbsent(id, k -> new Counter());
        c.applyTotal(sharedTotal, includesOwnFlush);
    }

    /** The store could not write a delta: keep it for the next flush. */
    public void flushFailed(Delta delta) {
        Counter c = counters.get(delta.id());
        if (c != null) {
            c.flushFailed();
        }
    }

    /** Drops counters of past days that have nothing left to write. */
    public void forgetPastDays() {
        LocalDate day = today();
        counters.entrySet().removeIf(e -> e.getKey().day().isBefore(day) && e.getValue().settled());
    }

    private Counter counter(LocalDate day, Scope scope, String provider, String name) {
        return counters.computeIfAbsent(new CounterId(day, scope, provider, name), id -> new Counter());
    }

    private static long modelLimit(Provider provider, String model) {
        return provider.model(model).map(m -> m.dailyLimit()).orElse(0L);
    }

    private static boolean exhausted(long limit, long used) {
        return limit > 0 && used >= limit;
    }

    /**
     * shared: total in PostgreSQL at the last read (includes every instance's flushed calls);
     * unflushed: this instance's calls since; flushing: calls being written right now.
     */
    private static final class Counter {
        private volatile long shared;
        private final AtomicLong unflushed = new AtomicLong();
        private final AtomicLong flushing = new AtomicLong();

        long used() {
            return shared + unflushed.get() + flushing.get();
        }

        boolean tryAcquire(long limit) {
            long now = unflushed.incrementAndGet();
            if (limit > 0 && shared + now + flushing.get() > limit) {
                unflushed.decrementAndGet();
                return false;
            }
            return true;
        }

        void release() {
            unflushed.decrementAndGet();
        }

        long beginFlush() {
            long delta = unflushed.getAndSet(0);
            flushing.addAndGet(delta);
            return delta;
        }

        synchronized void applyTotal(long total, boolean includesOwnFlush) {
            if (includesOwnFlush) {
                flushing.set(0);
                shared = total;
            } else {
                shared = Math.max(shared, total);
            }
        }

        void flushFailed() {
            unflushed.addAndGet(flushing.getAndSet(0));
        }

        boolean settled() {
            return unflushed.get() == 0 && flushing.get() == 0;
        }
    }
}
