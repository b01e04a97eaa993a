package dev.switchboard.config;

import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The usage ledger and request log, under {@code switchboard.usage}.
 *
 * @param storeResponseText keep each answer's text in the request log (off: privacy and size)
 * @param requestLogRetention request-log rows older than this are deleted by a periodic job
 * @param bufferCapacity request-log rows that may wait for PostgreSQL; beyond it rows are dropped and counted
 * @param batchSize request-log rows per write (one {@code COPY})
 * @param flushInterval how often the write-behind writes: a batch, then more while a full batch is waiting
 * @param writeLanes request-log batches written at once, each on its own connection, while a full batch is
 *     waiting
 * @param alerts thresholds that log a warning and mark health degraded
 */
public record UsageProperties(
        @DefaultValue("false") boolean storeResponseText,
        @DefaultValue("30d") Duration requestLogRetention,
        @DefaultValue("100000") int bufferCapacity,
        @DefaultValue("500") int batchSize,
        @DefaultValue("200ms") Duration flushInterval,
        @DefaultValue("2") int writeLanes,
        @DefaultValue Alerts alerts) {

    public UsageProperties {
        if (writeLanes < 1) {
            throw new IllegalArgumentException("switchboard.usage.write-lanes must be at least 1, got " + writeLanes);
        }
    }

    /**
     * @param window the sliding window the rates and averages are computed over
     * @param failureRate share of requests that failed (the client got an error)
     * @param errorRate share of upstream attempts that failed (fallbacks included)
     * @param responseTime average request latency
     */
    public record Alerts(
            @DefaultValue("5m") Duration window,
            @DefaultValue("0.10") double failureRate,
            @DefaultValue("0.05") double errorRate,
            @DefaultValue("30s") Duration responseTime) {
    }
}
