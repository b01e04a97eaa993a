package dev.switchboard.usage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Write-behind for {@code request_log}: requests only enqueue (lock-free, never on the database), a
 * background loop inserts in batches. If PostgreSQL is down or slow, rows wait in the bounded buffer and
 * the failed batch is retried until it lands; only when the buffer is full is a row dropped, and that is
 * counted and logged. Stopping the context flushes what is left.
 */
public final class RequestLogWriter implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RequestLogWriter.class);
    private static final String COLUMNS = "id, created_at, client, surface, path, provider, model, key_alias, outcome, "
            + "error_class, error_message, latency_ms, ttft_ms, attempts, prompt_tokens, completion_tokens, total_tokens, "
            + "usage_estimated, finish_reason, fallback_chain, response_text, metadata";
    private static final int COLUMN_COUNT = 22;

    private final DatabaseClient database;
    private final int capacity;
    private final int batchSize;
    private final Duration interval;
    private final Queue<RequestLogRow> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private volatile List<RequestLogRow> pending = List.of();
    private volatile boolean failing;
    private final java.util.concurrent.atomic.AtomicBoolean flushing = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Disposable loop;

    public RequestLogWriter(DatabaseClient database, int capacity, int batchSize, Duration interval) {
        this.database = database;
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.interval = interval;
    }

    /** Enqueues a row; never blocks. Returns false (and counts it) when the buffer is full. */
    public boolean enqueue(RequestLogRow row) {
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                log.error("Request-log buffer full ({} rows): {} row(s) dropped so far", capacity, n);
            }
            return false;
        }
        queue.offer(row);
        return true;
    }

    /** Rows waiting to be written, including a batch being retried. */
    public int depth() {
        return queued.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public long written() {
        return written.get();
    }

    @Override
    public void start() {
        loop = Flux.interval(interval)
                .onBackpressureDrop()
                .concatMap(tick -> flushOnce(), 1)
                .subscribe();
    }

    @Override
    public void stop(Runnable callback) {
        Disposable running = loop;
        if (running != null) {
            running.dispose();
        }
        flushAll().timeout(Duration.ofSeconds(10))
                .doOnError(e -> log.error("Request-log flush at shutdown incomplete: {} row(s) not written", depth()))
                .onErrorResume(e -> Mono.empty())
                .doFinally(signal -> callback.run())
                .subscribe();
    }

    @Override
    public void stop() {
        stop(() -> { });
    }

    @Override
    public boolean isRunning() {
        return loop != null && !loop.isDisposed();
    }

    /** Stops after the web server (which stops at a higher phase) and before the embedded database. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }

    /** Writes everything queued now (used at shutdown and by tests). */
    public Mono<Void> flushAll() {
        return flushOnce().repeat(() -> depth() > 0 && !failing).then();
    }

    private Mono<Void> flushOnce() {
        // one flush at a time: the loop and an explicit flushAll must not write (and count) a batch twice
        if (!flushing.compareAndSet(false, true)) {
            return Mono.delay(Duration.ofMillis(10)).then();
        }
        List<RequestLogRow> batch = pending.isEmpty() ? take() : pending;
        if (batch.isEmpty()) {
            flushing.set(false);
            return Mono.empty();
        }
        pending = batch;
        return insert(batch)
                .doOnSuccess(n -> {
                    pending = List.of();
                    queued.addAndGet(-batch.size());
                    written.addAndGet(batch.size());
                    if (failing) {
                        failing = false;
                        log.info("Request-log writes resumed; {} row(s) still queued", depth());
                    }
                })
                .onErrorResume(e -> {
                    if (!failing) {
                        failing = true;
                        log.warn("Request-log write failed, will retry ({} row(s) queued): {}", depth(), e.toString());
                    }
                    return Mono.empty();
                })
                .doFinally(signal -> flushing.set(false))
                .then();
    }

    private List<RequestLogRow> take() {
        List<RequestLogRow> batch = new ArrayList<>(Math.min(batchSize, Math.max(1, queued.get())));
        RequestLogRow row;
        while (batch.size() < batchSize && (row = queue.poll()) != null) {
            batch.add(row);
        }
        return batch;
    }

    private Mono<Long> insert(List<RequestLogRow> rows) {
        StringBuilder sql = new StringBuilder("insert into request_log (").append(COLUMNS).append(") values ");
        for (int r = 0; r < rows.size(); r++) {
            sql.append(r == 0 ? "(" : ",(");
            for (int c = 0; c < COLUMN_COUNT; c++) {
                sql.append(c == 0 ? "$" : ",$").append(r * COLUMN_COUNT + c + 1);
                if (c == 19 || c == 21) {
                    sql.append("::jsonb");
                }
            }
            sql.append(')');
        }
        sql.append(" on conflict (id) do nothing");
        DatabaseClient.GenericExecuteSpec spec = database.sql(sql.toString());
        int i = 0;
        for (RequestLogRow row : rows) {
            spec = bind(spec, i++, row.id(), String.class);
            spec = bind(spec, i++, row.createdAt(), java.time.Instant.class);
            spec = bind(spec, i++, row.client(), String.class);
            spec = bind(spec, i++, row.surface(), String.class);
            spec = bind(spec, i++, row.path(), String.class);
            spec = bind(spec, i++, row.provider(), String.class);
            spec = bind(spec, i++, row.model(), String.class);
            spec = bind(spec, i++, row.keyAlias(), String.class);
            spec = bind(spec, i++, row.outcome(), String.class);
            spec = bind(spec, i++, row.errorClass(), String.class);
            spec = bind(spec, i++, row.errorMessage(), String.class);
            spec = bind(spec, i++, row.latencyMs(), Integer.class);
            spec = bind(spec, i++, row.ttftMs(), Integer.class);
            spec = bind(spec, i++, row.attempts(), Integer.class);
            spec = bind(spec, i++, row.promptTokens(), Integer.class);
            spec = bind(spec, i++, row.completionTokens(), Integer.class);
            spec = bind(spec, i++, row.totalTokens(), Integer.class);
            spec = bind(spec, i++, row.usageEstimated(), Boolean.class);
            spec = bind(spec, i++, row.finishReason(), String.class);
            spec = bind(spec, i++, row.fallbackChain(), String.class);
            spec = bind(spec, i++, row.responseText(), String.class);
            spec = bind(spec, i++, row.metadata(), String.class);
        }
        return spec.fetch().rowsUpdated();
    }

    private static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, int index,
            Object value, Class<?> type) {
        return value == null ? spec.bindNull(index, type) : spec.bind(index, value);
    }
}
