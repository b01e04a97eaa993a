package dev.switchboard.cache;

import dev.switchboard.support.BackgroundJobs;
import java.time.Duration;
import reactor.core.Disposable;

/** Deletes expired answers in the background, every {@code sweep-interval}. */
public final class CacheSweeper extends BackgroundJobs {

    private final ResponseCache cache;
    private final Duration interval;

    public CacheSweeper(ResponseCache cache, Duration interval) {
        this.cache = cache;
        this.interval = interval;
    }

    @Override
    protected void schedule(Disposable.Composite jobs) {
        jobs.add(every(interval, cache::sweep));
    }
}
