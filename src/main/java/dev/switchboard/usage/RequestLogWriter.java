package dev.switchboard.usage;

import static dev.switchboard.database.PostgresText.text;

import dev.switchboard.database.OutageNotice;
import dev.switchboard.database.RowRefusal;
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
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
            + "usage_estimated, finish_reason, fallback_chain::json, response_text, metadata::json, trace_id "
            + "from unnest($1::varchar[], $2::timestamptz[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], "
            + "$7::varchar[], $8::varchar[], $9::varchar[], $10::varchar[], $11::varchar[], $12::int[], $13::int[], "
            + "$14::int[], $15::int[], $16::int[], $17::int[], $18::boolean[], $19::varchar[], $20::text[], $21::text[], "
            + "$22::text[], $23::varchar[]) as r(id, created_at, client, surface, path, provider, model, key_alias, outcome, "
            + "error_class, error_message, latency_ms, ttft_ms, attempts, prompt_tokens, completion_tokens, "
            + "total_tokens, usage_estimated, finish_reason, fallback_chain, response_text, metadata, trace_id) "
            + "on conflict (id) do nothing";

    private final DatabaseClient database;
    private final Function<List<RequestLogRow>, Mono<Long>> copy;
    private final int capacity;
    private final int batchSize;
    private final Duration interval;
    private final Queue<RequestLogRow> queue = new ConcurrentLinkedQueue<>();
    /** Rows in {@link #queue}, not yet taken into a batch. */
    private final AtomicInteger queued = new AtomicInteger();
    /** Rows taken into a batch that has not landed yet (being written, or to be retried). */
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final OutageNotice outage = new OutageNotice();
    private final Lane[] lanes;

    /**
     * @param lanes batches written at once, each on its own connection, while a backlog waits (see
     *     {@link #drain()})
     */
    public RequestLogWriter(DatabaseClient database, int capacity, int batchSize, Duration interval, int lanes) {
        this(database, new RequestLogCopy(database)::write, capacity, batchSize, interval, lanes);
    }

    /** A writer whose batches go through {@code copy} instead of {@link RequestLogCopy} (tests). */
    RequestLogWriter(DatabaseClient database, Function<List<RequestLogRow>, Mono<Long>> copy, int capacity,
            int batchSize, Duration interval, int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("the request log needs at least one write lane, got " + lanes);
        }
        this.database = database;
        this.copy = copy;
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.interval = interval;
        this.lanes = new Lane[lanes];
        for (int i = 0; i < lanes; i++) {
            this.lanes[i] = new Lane();
        }
    }

    /** Enqueues a row; never blocks. Returns false (and counts it) when the buffer is full. */
    public boolean enqueue(RequestLogRow row) {
        if (queued.incrementAndGet() + held.get() > capacity) {
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

    /** Rows waiting to be written, including batches being written or retried. */
    public int depth() {
        return queued.get() + held.get();
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
     *
     * <p>While a full batch waits, the other lanes write beside the first, each on its own connection: one
     * keeps PostgreSQL busy while the gateway takes and encodes the next batch, and two backends get a larger
     * share of a saturated machine's cores than one. With one lane the log kept up at saturation but let
     * 10,000–14,000 rows pile up for seconds; with two, 1,700–6,100 (docs/PERFORMANCE.md, "The request log at
     * saturation, on two connections"). Rows of two batches may land out of order; nothing reads them in order
     * of landing.
     */
    Mono<Void> drain() {
        return flushWhile(this::fullBatchWaiting);
    }

    private boolean fullBatchWaiting() {
        return queued.get() >= batchSize;
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

    /**
     * Writes everything queued now (used at shutdown and by tests), and waits for batches other flushes have
     * in flight: rounds until nothing is held, or the database fails.
     */
    public Mono<Void> flushAll() {
        return Mono.defer(() -> flushWhile(() -> queued.get() > 0))
                .repeat(() -> depth() > 0 && !outage.failing())
                .then();
    }

    /**
     * Every lane's writes for one round: the first lane writes a batch in any case (a part batch, or the
     * one it retries), the others only when they retry one or {@code more} holds; then each goes on while
     * {@code more} holds and the database takes the writes.
     */
    private Mono<Void> flushWhile(BooleanSupplier more) {
        return Flux.fromArray(lanes)
                .flatMap(lane -> lane.flushWhile(lane == lanes[0] ? () -> true : more, more), lanes.length)
                .then();
    }

    /** One batch at a time on one connection; a batch that did not land is this lane's to retry first. */
    private final class Lane {

        private final AtomicBoolean flushing = new AtomicBoolean();
        private volatile List<RequestLogRow> pending = List.of();

        Mono<Void> flushWhile(BooleanSupplier start, BooleanSupplier more) {
            // deferred: a repeat subscribes again, and each flush must take its own batch
            return Mono.defer(() -> pending.isEmpty() && !start.getAsBoolean() ? Mono.<Void>empty()
                    : Mono.defer(this::flushOnce).repeat(() -> more.getAsBoolean() && !outage.failing()).then());
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
            return copy.apply(batch).map(n -> batch.size())
                    .onErrorResume(RowRefusal::isRowProblem, e -> insertOneByOne(batch))
                    .doOnSuccess(stored -> {
                        pending = List.of();
                        held.addAndGet(-batch.size());
                        written.addAndGet(stored);
                        if (outage.recovers()) {
                            log.info("Request-log writes resumed; {} row(s) still queued", depth());
                        }
                    })
                    .onErrorResume(e -> {
                        if (outage.startsFailing()) {
                            log.warn("Request-log write failed, will retry ({} row(s) queued): {}", depth(),
                                    e.toString());
                        }
                        return Mono.empty();
                    })
                    // released before the completion goes on (not in doFinally, which runs after it): the
                    // repeat subscribes again from inside the completion, and a lane still marked busy then
                    // waited 10 ms before every next batch, which capped the log at a batch per copy + 10 ms
                    .doOnTerminate(this::release)
                    .doOnCancel(this::release)
                    .then();
        }

        private void release() {
            flushing.set(false);
        }
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
                        .onErrorResume(RowRefusal::isRowProblem, e -> {
                            long n = dropped.incrementAndGet();
                            log.error("Request-log row {} refused by the database and dropped ({} dropped so far): {}",
                                    row.id(), n, e.toString());
                            return Mono.just(0);
                        }))
                .reduce(0, Integer::sum);
    }

    /** Up to a batch of rows from the queue, moved from queued to held. */
    private List<RequestLogRow> take() {
        List<RequestLogRow> batch = new ArrayList<>(Math.min(batchSize, Math.max(1, queued.get())));
        RequestLogRow row;
        while (batch.size() < batchSize && (row = queue.poll()) != null) {
            batch.add(row);
        }
        // queued first: for a moment the depth counts the batch nowhere rather than twice, so a full buffer
        // cannot drop a row for rows being moved
        queued.addAndGet(-batch.size());
        held.addAndGet(batch.size());
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
