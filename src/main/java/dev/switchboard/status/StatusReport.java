package dev.switchboard.status;

import dev.switchboard.config.LiveSettings;
import dev.switchboard.keys.DailyLimits;
import dev.switchboard.keys.KeyView;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.support.UtcDay;
import dev.switchboard.usage.RequestLogWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Builds the status and health documents in the shapes of the seed systems ({@code brain/status} and
 * {@code providers/status} of seed 001, {@code health/keys} and the analytics summary of seed 002) from the
 * ledger, the key pools and the alerts. The seed fields come first and use the seeds' units (percent,
 * seconds, their status words); Switchboard's own fields follow them. See {@link SeedUnits}.
 */
public final class StatusReport {

    private final StatusQueries queries;
    private final KeyPoolReport pools;
    private final ProviderRegistry registry;
    private final DailyLimits limits;
    private final AlertMonitor alerts;
    private final RequestLogWriter requestLog;
    private final LiveSettings settings;
    private final Clock clock;
    private final Instant startedAt;

    public StatusReport(StatusQueries queries, KeyPoolReport pools, ProviderRegistry registry, DailyLimits limits,
            AlertMonitor alerts, RequestLogWriter requestLog, LiveSettings settings, Clock clock) {
        this.queries = queries;
        this.pools = pools;
        this.registry = registry;
        this.limits = limits;
        this.alerts = alerts;
        this.requestLog = requestLog;
        this.settings = settings;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    /**
     * {@code GET /api/v1/brain/status}: seed 001's {@code brain_stats}, {@code provider_status} and
     * {@code system_health}, plus Switchboard's own totals, usage and alerts.
     */
    public Mono<Map<String, Object>> status() {
        LocalDate today = limits.today();
        return Mono.zip(queries.requestTotals(null), queries.requestTotals(today), queries.providerUsage(null),
                        queries.providerUsage(today), queries.databaseUp(), queries.providerAnswers(null), providers())
                .map(t -> {
                    List<ProviderPoolView> views = pools.pools();
                    String health = health(views, t.getT5());
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("brain_stats", brainStats(t.getT1(), t.getT6()));
                    out.put("provider_status", t.getT7());
                    out.put("system_health", systemHealth(views, health, t.getT5()));
                    out.put("status", health);
                    out.put("started_at", startedAt);
                    out.put("uptime_seconds", Duration.between(startedAt, clock.instant()).toSeconds());
                    out.put("totals", totals(t.getT1()));
                    out.put("today", totals(t.getT2()));
                    out.put("provider_usage", t.getT3());
                    out.put("provider_usage_today", t.getT4());
                    out.put("alerts", alerts.alerts());
                    out.put("system", system(views, t.getT5()));
                    return out;
                });
    }

    /** Seed 000/001's statistics: counts, success rate in percent, average response time in seconds. */
    private static Map<String, Object> brainStats(StatusQueries.Totals totals, Map<String, Long> answered) {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("total_requests", totals.requests());
        stats.put("successful_requests", totals.successes());
        stats.put("failed_requests", totals.failures());
        stats.put("cancelled_requests", Math.max(0, totals.requests() - totals.successes() - totals.failures()));
        stats.put("success_rate", SeedUnits.percent(totals.successes(), totals.requests()));
        stats.put("failure_rate", SeedUnits.percent(totals.failures(), totals.requests()));
        stats.put("avg_response_time", SeedUnits.seconds(totals.latencyMs(), totals.requests()));
        stats.put("avg_response_time_ms", totals.requests() == 0 ? 0 : totals.latencyMs() / totals.requests());
        stats.put("provider_usage", answered);
        return stats;
    }

    private Map<String, Object> systemHealth(List<ProviderPoolView> views, String health, boolean databaseUp) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", health);
        out.put("database", databaseUp ? "up" : "down");
        out.put("uptime_seconds", Duration.between(startedAt, clock.instant()).toSeconds());
        out.put("started_at", startedAt);
        out.put("providers", views.size());
        out.put("healthy_providers", views.stream().filter(v -> v.status().equals("healthy")).count());
        out.put("usable_keys", views.stream().mapToInt(ProviderPoolView::usableKeys).sum());
        out.put("total_keys", views.stream().mapToInt(ProviderPoolView::totalKeys).sum());
        out.put("alerts_firing", alerts.alerts().stream().filter(AlertMonitor.Alert::firing)
                .map(AlertMonitor.Alert::name).toList());
        return out;
    }

    private Map<String, Object> system(List<ProviderPoolView> views, boolean databaseUp) {
        Map<String, Object> system = new LinkedHashMap<>();
        system.put("database", databaseUp ? "up" : "down");
        system.put("providers", views.size());
        system.put("healthy_providers", views.stream().filter(v -> v.status().equals("healthy")).count());
        system.put("usable_keys", views.stream().mapToInt(ProviderPoolView::usableKeys).sum());
        system.put("total_keys", views.stream().mapToInt(ProviderPoolView::totalKeys).sum());
        system.put("request_log_buffer", requestLog.depth());
        system.put("request_log_dropped", requestLog.dropped());
        return system;
    }

    /**
     * {@code GET /api/v1/brain/providers/status}: seed 001's map keyed by provider name. Success rate in
     * percent and average response time in seconds over today's upstream attempts (0 when there were none,
     * as the seed counts); {@code remaining_calls} is null for a provider without a daily limit.
     */
    public Mono<Map<String, Object>> providers() {
        LocalDate today = limits.today();
        return queries.usageRows(today, today).collectList().map(rows -> {
            Map<String, Object> out = new LinkedHashMap<>();
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
                Map<String, Object> lastError = lastError(view.keys());
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("status", view.status());
                p.put("call_count_today", view.callsToday());
                p.put("remaining_calls", view.remainingCalls());
                p.put("active_keys", view.usableKeys());
                p.put("total_keys", view.totalKeys());
                p.put("success_rate", SeedUnits.percent(successes, attempts));
                p.put("avg_response_time", SeedUnits.seconds(latency, attempts));
                p.put("last_error", lastError == null ? null : lastError.get("message"));
                p.put("last_success", view.keys().stream().map(KeyView::lastSuccessAt)
                        .filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null));
                p.put("provider", view.provider());
                p.put("type", view.type());
                p.put("circuit", view.circuit());
                p.put("daily_limit", view.dailyLimit());
                p.put("attempts_today", attempts);
                p.put("successes_today", successes);
                p.put("avg_response_time_ms", attempts == 0 ? 0 : latency / attempts);
                p.put("last_error_detail", lastError);
                p.put("next_reset", view.nextReset());
                p.put("unknown_models", view.unknownModels());
                out.put(view.provider(), p);
            }
            return out;
        });
    }

    /**
     * {@code GET /health/keys}: seed 002's dashboard document ({@code system_info}, {@code key_pools.providers},
     * {@code global_stats}). Key statuses use the seed's words ({@code healthy}, {@code invalid_key}, ...;
     * Switchboard's own in {@code state}), success rates are percent and response times seconds.
     */
    public Mono<Map<String, Object>> keyHealth() {
        return Mono.zip(queries.requestTotals(null), queries.databaseUp()).map(t -> {
            StatusQueries.Totals totals = t.getT1();
            List<ProviderPoolView> views = pools.pools();
            Map<String, Object> system = new LinkedHashMap<>();
            system.put("max_retries", settings.get().resilience().maxRetries());
            system.put("initialized_providers", views.stream().filter(v -> v.totalKeys() > 0)
                    .map(ProviderPoolView::provider).toList());
            system.put("firebase_available", t.getT2());
            system.put("health_check_interval_minutes", settings.get().keys().healthCheckInterval().toMinutes());
            system.put("database_available", t.getT2());
            system.put("providers", registry.all().stream().map(p -> p.name()).toList());
            Map<String, Object> providers = new LinkedHashMap<>();
            long removed = 0;
            for (ProviderPoolView view : views) {
                Map<String, Long> breakdown = SeedUnits.emptyBreakdown();
                List<Map<String, Object>> keys = new ArrayList<>();
                for (KeyView key : view.keys()) {
                    breakdown.merge(SeedUnits.keyStatus(key.status()), 1L, Long::sum);
                    keys.add(key(key));
                }
                long providerRemoved = view.keys().stream().filter(k -> SeedUnits.removed(k.status())).count();
                removed += providerRemoved;
                Map<String, Object> pool = new LinkedHashMap<>();
                pool.put("total_keys", view.totalKeys());
                pool.put("healthy_keys", view.usableKeys());
                pool.put("removed_keys", providerRemoved);
                pool.put("status_breakdown", breakdown);
                pool.put("keys", keys);
                pool.put("status", view.status());
                pool.put("circuit", view.circuit());
                providers.put(view.provider(), pool);
            }
            Map<String, Object> global = new LinkedHashMap<>();
            global.put("total_requests", totals.requests());
            global.put("total_failures", totals.failures());
            global.put("keys_removed", removed);
            global.put("total_successes", totals.successes());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("system_info", system);
            out.put("key_pools", Map.of("providers", providers));
            out.put("global_stats", global);
            return out;
        });
    }

    private static Map<String, Object> key(KeyView key) {
        long calls = key.successes() + key.failures();
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("masked_key", key.maskedKey());
        k.put("status", SeedUnits.keyStatus(key.status()));
        k.put("success_rate", SeedUnits.percent(key.successes(), calls));
        k.put("response_time", key.avgLatencyMs() == null ? 0.0 : SeedUnits.seconds(key.avgLatencyMs(), 1));
        k.put("error_count", key.failures());
        k.put("success_count", key.successes());
        k.put("alias", key.alias());
        k.put("state", key.status());
        k.put("reason", key.reason());
        k.put("cooldown_until", key.cooldownUntil());
        k.put("avg_response_time_ms", key.avgLatencyMs());
        k.put("calls_today", key.callsToday());
        k.put("daily_limit", key.dailyLimit());
        k.put("last_error_class", key.lastErrorClass());
        return k;
    }

    /**
     * Seed 002's {@code summary} for {@code /analytics/{provider}}: {@code health_percentage} is the share of
     * the provider's keys that are usable now (0 for a provider without keys or not configured).
     */
    public Map<String, Object> analyticsSummary(String provider, Map<String, Object> totals) {
        ProviderPoolView view = registry.get(provider).map(pools::pool).orElse(null);
        int total = view == null ? 0 : view.totalKeys();
        int healthy = view == null ? 0 : view.usableKeys();
        long attempts = StatusQueries.n(totals.get("attempts"));
        long successes = StatusQueries.n(totals.get("successes"));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("health_percentage", SeedUnits.percent(healthy, total));
        summary.put("total_keys", total);
        summary.put("healthy_keys", healthy);
        summary.put("removed_keys", view == null ? 0 : view.keys().stream().filter(k -> SeedUnits.removed(k.status())).count());
        summary.put("status", view == null ? "unknown" : view.status());
        summary.put("total_requests", attempts);
        summary.put("successful_requests", successes);
        summary.put("failed_requests", StatusQueries.n(totals.get("failures")));
        summary.put("success_rate", SeedUnits.percent(successes, attempts));
        summary.put("avg_response_time", SeedUnits.seconds(StatusQueries.n(totals.get("avg_latency_ms")), 1));
        return summary;
    }

    /** {@code GET /api/v1/brain/stats/export}: the status documents plus the daily ledger of the last days. */
    public Mono<Map<String, Object>> export(int days) {
        LocalDate today = UtcDay.today(clock);
        return Mono.zip(status(), providers(), queries.usageRows(today.minusDays(days - 1L), today).collectList())
                .map(t -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("exported_at", clock.instant());
                    out.put("status", t.getT1());
                    out.put("providers", t.getT2());
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
