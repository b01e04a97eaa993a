package dev.switchboard.usage;

import static dev.switchboard.database.PostgresText.text;

import dev.switchboard.database.OutageNotice;
import dev.switchboard.support.BackgroundJobs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.dao.NonTransientDataAccessResourceException;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Write-behind for {@code request_log}: requests only enqueue (lock-free, never on the database), a
 * background loop writes them in batches, each one {@code COPY} ({@link RequestLogCopy}). If PostgreSQL is
 * down or slow, rows wait in the bounded buffer and the failed batch is retried until it lands; only when the
 * buffer is full is a row dropped, and that is counted and logged. A batch refused for its content is written
 * row by row, so one bad row cannot stall the log (text is made storable first: see
 * {@link dev.switchboard.database.PostgresText}). Stopping the context flushes what is left.
 */
public final class RequestLogWriter extends BackgroundJobs {

    private static final Logger log = LoggerFactory.getLogger(RequestLogWriter.class);
    /**
     * A row on its own, when its batch was refused: one array per column, so the SQL text and its 23 parameters
     * are the same for any number of rows; {@code on conflict do nothing} skips a row a retried batch had
     * already written.
     */
    private static final String INSERT = "insert into request_log (id, created_at, client, surface, path, provider, "
            + "model, key_alias, outcome, error_class, error_message, latency_ms, ttft_ms, attempts, prompt_tokens, "
            + "completion_tokens, total_tokens, usage_estimated, finish_reason, fallback_chain, response_text, metadata, "
            + "trace_id) select id, created_at, client, surface, path, provider, model, key_alias, outcome, error_class, "
            + "error_message, latency_ms, ttft_ms, attempts, prompt_tokens, completion_tokens, total_tokens, "
            + "usage_estimated, finish_reason, fallback_chain::jsonb, response_text, metadata::jsonb, trace_id "
            + "from unnest($1::varchar[], $2::timestamptz[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], "
            + "$7::varchar[], $8::varchar[], $9::varchar[], $10::varchar[], $11::varchar[], $12::int[], $13::int[], "
            + "$14::int[], $15::int[], $16::int[], $17::int[], $18::boolean[], $19::varchar[], $20::text[], $21::text[], "
            + "$22::text[], $23::varchar[]) as r(id, created_at, client, surface, path, provider, model, key_alias, outcome, "
            + "error_class, error_message, latency_ms, ttft_ms, attempts, prompt_tokens, completion_tokens, "
            + "total_tokens, usage_estimated, finish_reason, fallback_chain, response_text, metadata, trace_id) "
            + "on conflict (id) do nothing";

    private final DatabaseClient database;
    private final RequestLogCopy copy;
    private final int capacity;
    private final int batchSize;
    private final Duration interval;
    private final Queue<RequestLogRow> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private volatile List<RequestLogRow> pending = List.of();
    private final OutageNotice outage = new OutageNotice();
    private final AtomicBoolean flushing = new AtomicBoolean();

    public RequestLogWriter(DatabaseClient database, int capacity, int batchSize, Duration interval) {
        this.database = database;
        this.copy = new RequestLogCopy(database);
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
    protected void schedule(Disposable.Composite jobs) {
        jobs.add(every(interval, this::drain));
    }

    /**
     * One tick of the write-behind: a batch, then more while a full batch is waiting. A tick that wrote one
     * batch only would cap the log at {@code batchSize / interval} rows a second (2,500 at the defaults):
     * beyond it rows pile up in the heap, every young collection copies them, and the buffer fills and drops.
     * A part batch waits for the next tick, so a quiet gateway still writes once per interval.
     */
    Mono<Void> drain() {
        return flushWhile(() -> depth() >= batchSize);
    }

    @Override
    protected Mono<?> finalFlush() {
        return flushAll();
    }

    @Override
    protected void finalFlushFailed(Throwable error) {
        log.error("Request-log flush at shutdown incomplete: {} row(s) not written", depth());
    }

    @Override
    protected Duration finalFlushTimeout() {
        return Duration.ofSeconds(10);
    }

    /** Writes everything queued now (used at shutdown and by tests). */
    public Mono<Void> flushAll() {
        return flushWhile(() -> depth() > 0);
    }

    /** A flush, then more while {@code more} holds and the database takes the writes. */
    private Mono<Void> flushWhile(BooleanSupplier more) {
        // deferred: a repeat subscribes again, and each flush must take its own batch
        return Mono.defer(this::flushOnce).repeat(() -> more.getAsBoolean() && !outage.failing()).then();
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
        return copy.write(batch).map(n -> batch.size())
                .onErrorResume(RequestLogWriter::isRowProblem, e -> insertOneByOne(batch))
                .doOnSuccess(stored -> {
                    pending = List.of();
                    queued.addAndGet(-batch.size());
                    written.addAndGet(stored);
                    if (outage.recovers()) {
                        log.info("Request-log writes resumed; {} row(s) still queued", depth());
                    }
                })
                .onErrorResume(e -> {
                    if (outage.startsFailing()) {
                        log.warn("Request-log write failed, will retry ({} row(s) queued): {}", depth(), e.toString());
                    }
                    return Mono.empty();
                })
                .doFinally(signal -> flushing.set(false))
                .then();
    }

    /**
     * A batch the database refused for what is in it (not for being unreachable): each row on its own, so
     * one bad row cannot hold back the log; rows still refused are dropped, counted and logged. Answers how
     * many were written. A connection failure midway fails it all and the batch is retried later (rows
     * already in are skipped then by {@code on conflict do nothing}).
     */
    private Mono<Integer> insertOneByOne(List<RequestLogRow> batch) {
        return Flux.fromIterable(batch)
                .concatMap(row -> insert(List.of(row)).thenReturn(1)
                        .onErrorResume(RequestLogWriter::isRowProblem, e -> {
                            long n = dropped.incrementAndGet();
                            log.error("Request-log row {} refused by the database and dropped ({} dropped so far): {}",
                                    row.id(), n, e.toString());
                            return Mono.just(0);
                        }))
                .reduce(0, Integer::sum);
    }

    private static boolean isRowProblem(Throwable error) {
        return error instanceof NonTransientDataAccessException
                && !(error instanceof NonTransientDataAccessResourceException);
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
        int n = rows.size();
        String[] id = new String[n], client = new String[n], surface = new String[n], path = new String[n];
        String[] provider = new String[n], model = new String[n], keyAlias = new String[n], outcome = new String[n];
        String[] errorClass = new String[n], errorMessage = new String[n], finishReason = new String[n];
        String[] fallbackChain = new String[n], responseText = new String[n], metadata = new String[n];
        String[] traceId = new String[n];
        Instant[] createdAt = new Instant[n];
        Integer[] latencyMs = new Integer[n], ttftMs = new Integer[n], attempts = new Integer[n];
        Integer[] promptTokens = new Integer[n], completionTokens = new Integer[n], totalTokens = new Integer[n];
        Boolean[] usageEstimated = new Boolean[n];
        for (int i = 0; i < n; i++) {
            RequestLogRow row = rows.get(i);
            id[i] = text(row.id());
            createdAt[i] = row.createdAt();
            client[i] = text(row.client());
            surface[i] = text(row.surface());
            path[i] = text(row.path());
            provider[i] = text(row.provider());
            model[i] = text(row.model());
            keyAlias[i] = text(row.keyAlias());
            outcome[i] = text(row.outcome());
            errorClass[i] = text(row.errorClass());
            errorMessage[i] = text(row.errorMessage());
            latencyMs[i] = row.latencyMs();
            ttftMs[i] = row.ttftMs();
            attempts[i] = row.attempts();
            promptTokens[i] = row.promptTokens();
            completionTokens[i] = row.completionTokens();
            totalTokens[i] = row.totalTokens();
            usageEstimated[i] = row.usageEstimated();
            finishReason[i] = text(row.finishReason());
            fallbackChain[i] = document(row.fallbackChain());
            responseText[i] = text(row.responseText());
            metadata[i] = document(row.metadata());
            traceId[i] = row.traceId();
        }
        return database.sql(INSERT)
                .bindValues(List.of(id, createdAt, client, surface, path, provider, model, keyAlias, outcome, errorClass,
                        errorMessage, latencyMs, ttftMs, attempts, promptTokens, completionTokens, totalTokens,
                        usageEstimated, finishReason, fallbackChain, responseText, metadata, traceId))
                .fetch().rowsUpdated();
    }

    /** A row's document as the text its array parameter takes (storable as it is: {@link RequestLogRow}). */
    private static @Nullable String document(byte @Nullable [] document) {
        return document == null ? null : new String(document, StandardCharsets.UTF_8);
    }
}
