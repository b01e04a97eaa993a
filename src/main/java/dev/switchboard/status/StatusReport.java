package dev.switchboard.status;

import dev.switchboard.config.SwitchboardProperties;
import dev.switchboard.keys.DailyLimits;
import dev.switchboard.keys.KeyView;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.usage.RequestLogWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import reactor.core.publisher.Mono;

/**
 * Builds the status and health documents (the shapes of the seed systems' {@code brain/status},
 * {@code providers/status} and {@code health/keys}) from the ledger, the key pools and the alerts.
 */
public final class StatusReport {

    private final StatusQueries queries;
    private final KeyPoolReport pools;
    private final ProviderRegistry registry;
    private final DailyLimits limits;
    private final AlertMonitor alerts;
    private final RequestLogWriter requestLog;
    private final SwitchboardProperties properties;
    private final Clock clock;
    private final Instant startedAt;

    public StatusReport(StatusQueries queries, KeyPoolReport pools, ProviderRegistry registry, DailyLimits limits,
            AlertMonitor alerts, RequestLogWriter requestLog, SwitchboardProperties properties, Clock clock) {
        this.queries = queries;
        this.pools = pools;
        this.registry = registry;
        this.limits = limits;
        this.alerts = alerts;
        this.requestLog = requestLog;
        this.properties = properties;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    /** {@code GET /api/v1/brain/status}. */
    public Mono<Map<String, Object>> status() {
        LocalDate today = limits.today();
        return Mono.zip(queries.requestTotals(null), queries.requestTotals(today), queries.providerUsage(null),
                        queries.providerUsage(today), queries.databaseUp())
                .map(t -> {
                    List<ProviderPoolView> views = pools.pools();
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("status", health(views, t.getT5()));
                    out.put("started_at", startedAt);
                    out.put("uptime_seconds", Duration.between(startedAt, clock.instant()).toSeconds());
                    out.put("totals", totals(t.getT1()));
                    out.put("today", totals(t.getT2()));
                    out.put("provider_usage", t.getT3());
                    out.put("provider_usage_today", t.getT4());
                    out.put("alerts", alerts.alerts());
                    Map<String, Object> system = new LinkedHashMap<>();
                    system.put("database", t.getT5() ? "up" : "down");
                    system.put("providers", views.size());
                    system.put("healthy_providers", views.stream().filter(v -> v.status().equals("healthy")).count());
                    system.put("usable_keys", views.stream().mapToInt(ProviderPoolView::usableKeys).sum());
                    system.put("total_keys", views.stream().mapToInt(ProviderPoolView::totalKeys).sum());
                    system.put("request_log_buffer", requestLog.depth());
                    system.put("request_log_dropped", requestLog.dropped());
                    out.put("system", system);
                    return out;
                });
    }

    /** {@code GET /api/v1/brain/providers/status}. */
    public Mono<Map<String, Object>> providers() {
        LocalDate today = limits.today();
        return queries.usageRows(today, today).collectList().map(rows -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (ProviderPoolView view : pools.pools()) {
                long attempts = 0;
                long successes = 0;
                long latency = 0;
                for (Map<String, Object> row : rows) {
                    if (view.provider().equals(row.get("provider"))) {
                        attempts += StatusQueries.n(row.get("requests"));
                        successes += StatusQueries.n(row.get("successes"));
                        latency += StatusQueries.n(row.get("total_latency_ms"));
                    }
                }
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("provider", view.provider());
                p.put("type", view.type());
                p.put("status", view.status());
                p.put("circuit", view.circuit());
                p.put("call_count_today", view.callsToday());
                p.put("daily_limit", view.dailyLimit());
                p.put("remaining_calls", view.remainingCalls());
                p.put("active_keys", view.usableKeys());
                p.put("total_keys", view.totalKeys());
                p.put("success_rate", attempts == 0 ? null : StatusQueries.round((double) successes / attempts));
                p.put("avg_response_time_ms", attempts == 0 ? null : latency / attempts);
                p.put("last_error", lastError(view.keys()));
                p.put("last_success", view.keys().stream().map(KeyView::lastSuccessAt)
                        .filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null));
                p.put("next_reset", view.nextReset());
                out.add(p);
            }
            return Map.of("providers", out, "generated_at", clock.instant());
        });
    }

    /** {@code GET /health/keys}. */
    public Mono<Map<String, Object>> keyHealth() {
        return queries.requestTotals(null).map(totals -> {
            List<ProviderPoolView> views = pools.pools();
            Map<String, Object> system = new LinkedHashMap<>();
            system.put("max_retries", properties.resilience().maxRetries());
            system.put("providers", registry.all().stream().map(p -> p.name()).toList());
            system.put("health_check_interval_minutes", properties.keys().healthCheckInterval().toMinutes());
            Map<String, Object> poolsOut = new LinkedHashMap<>();
            long removed = 0;
            for (ProviderPoolView view : views) {
                Map<String, Long> breakdown = new TreeMap<>();
                List<Map<String, Object>> keys = new ArrayList<>();
                for (KeyView key : view.keys()) {
                    breakdown.merge(key.status(), 1L, Long::sum);
                    Map<String, Object> k = new LinkedHashMap<>();
                    k.put("alias", key.alias());
                    k.put("masked_key", key.maskedKey());
                    k.put("status", key.status());
                    k.put("reason", key.reason());
                    k.put("cooldown_until", key.cooldownUntil());
                    k.put("success_rate", key.successRate());
                    k.put("avg_response_time_ms", key.avgLatencyMs());
                    k.put("success_count", key.successes());
                    k.put("error_count", key.failures());
                    k.put("calls_today", key.callsToday());
                    k.put("daily_limit", key.dailyLimit());
                    k.put("last_error_class", key.lastErrorClass());
                    keys.add(k);
                }
                long providerRemoved = view.keys().stream().filter(k -> k.status().equals("invalid")
                        || k.status().equals("quota_exceeded") || k.status().equals("disabled")).count();
                removed += providerRemoved;
                Map<String, Object> pool = new LinkedHashMap<>();
                pool.put("status", view.status());
                pool.put("total", view.totalKeys());
                pool.put("healthy", view.usableKeys());
                pool.put("removed", providerRemoved);
                pool.put("status_breakdown", breakdown);
                pool.put("keys", keys);
                poolsOut.put(view.provider(), pool);
            }
            Map<String, Object> global = new LinkedHashMap<>();
            global.put("total_requests", totals.requests());
            global.put("failed_requests", totals.failures());
            global.put("keys_removed", removed);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("system", system);
            out.put("key_pools", poolsOut);
            out.put("global", global);
            return out;
        });
    }

    /** {@code GET /api/v1/brain/stats/export}: the status documents plus the daily ledger of the last days. */
    public Mono<Map<String, Object>> export(int days) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        return Mono.zip(status(), providers(), queries.usageRows(today.minusDays(days - 1L), today).collectList())
                .map(t -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("exported_at", clock.instant());
                    out.put("status", t.getT1());
                    out.put("providers", t.getT2().get("providers"));
                    out.put("usage_daily", t.getT3());
                    return out;
                });
    }

    /** healthy, degraded (alerts firing or a provider degraded/down) or unhealthy (no usable provider, no database). */
    private String health(List<ProviderPoolView> views, boolean databaseUp) {
        boolean anyUsable = views.stream().anyMatch(v -> !v.status().equals("down") && v.usableKeys() > 0);
        if (!anyUsable || !databaseUp) {
            return "unhealthy";
        }
        boolean allHealthy = views.stream().filter(v -> !v.status().equals("down") || v.totalKeys() > 0)
                .allMatch(v -> v.status().equals("healthy"));
        return alerts.degraded() || !allHealthy ? "degraded" : "healthy";
    }

    private static Map<String, Object> totals(StatusQueries.Totals totals) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requests", totals.requests());
        out.put("successful", totals.successes());
        out.put("failed", totals.failures());
        out.put("success_rate", totals.successRate());
        out.put("avg_response_time_ms", totals.avgResponseTimeMs());
        out.put("prompt_tokens", totals.promptTokens());
        out.put("completion_tokens", totals.completionTokens());
        return out;
    }

    private static Map<String, Object> lastError(List<KeyView> keys) {
        KeyView latest = keys.stream().filter(k -> k.lastErrorAt() != null)
                .max(Comparator.comparing(KeyView::lastErrorAt)).orElse(null);
        if (latest == null) {
            return null;
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("at", latest.lastErrorAt());
        error.put("key", latest.alias());
        error.put("class", latest.lastErrorClass());
        error.put("message", latest.lastError());
        return error;
    }
}
