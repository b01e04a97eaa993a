package dev.switchboard.status;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.r2dbc.postgresql.codec.Json;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** The read side of the ledger and the request log (R2DBC). */
public final class StatusQueries {

    /** Request totals: requests, successes, failures, latency sum, tokens. */
    public record Totals(long requests, long successes, long failures, long latencyMs, long promptTokens,
            long completionTokens) {

        public Double successRate() {
            return requests == 0 ? null : round((double) successes / requests);
        }

        public Long avgResponseTimeMs() {
            return requests == 0 ? null : latencyMs / requests;
        }
    }

    private final DatabaseClient database;
    private final JsonMapper json;

    public StatusQueries(DatabaseClient database, JsonMapper json) {
        this.database = database;
        this.json = json;
    }

    /** jsonb columns arrive as the driver's Json type; turn them into JSON trees for the response. */
    private Map<String, Object> readable(Map<String, Object> row) {
        Map<String, Object> out = new LinkedHashMap<>(row);
        out.replaceAll((column, value) -> value instanceof Json j ? json.readTree(j.asString()) : value);
        return out;
    }

    /** Request totals since {@code from} (inclusive, a UTC day), all days when null. */
    public Mono<Totals> requestTotals(LocalDate from) {
        String where = from == null ? "" : " where day >= :from";
        DatabaseClient.GenericExecuteSpec spec = database.sql("select coalesce(sum(requests), 0) as requests, "
                + "coalesce(sum(requests) filter (where outcome = 'success'), 0) as successes, "
                + "coalesce(sum(requests) filter (where outcome in ('failed', 'rejected')), 0) as failures, "
                + "coalesce(sum(total_latency_ms), 0) as latency, coalesce(sum(prompt_tokens), 0) as prompt, "
                + "coalesce(sum(completion_tokens), 0) as completion from requests_daily" + where);
        if (from != null) {
            spec = spec.bind("from", from);
        }
        return spec.map((row, meta) -> new Totals(n(row.get("requests")), n(row.get("successes")),
                n(row.get("failures")), n(row.get("latency")), n(row.get("prompt")), n(row.get("completion")))).one();
    }

    /** Upstream calls per provider (attempts) since {@code from}, all days when null. */
    public Mono<Map<String, Long>> providerUsage(LocalDate from) {
        String where = from == null ? "" : " where day >= :from";
        DatabaseClient.GenericExecuteSpec spec = database.sql(
                "select provider, sum(requests) as calls from usage_daily" + where + " group by provider order by provider");
        if (from != null) {
            spec = spec.bind("from", from);
        }
        return spec.map((row, meta) -> Map.entry(row.get("provider", String.class), n(row.get("calls")))).all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, LinkedHashMap::new);
    }

    /** Requests each provider answered (its successful attempts) since {@code from}, all days when null. */
    public Mono<Map<String, Long>> providerAnswers(LocalDate from) {
        String where = from == null ? "" : " where day >= :from";
        DatabaseClient.GenericExecuteSpec spec = database.sql("select provider, sum(successes) as answered from usage_daily"
                + where + " group by provider having sum(successes) > 0 order by provider");
        if (from != null) {
            spec = spec.bind("from", from);
        }
        return spec.map((row, meta) -> Map.entry(row.get("provider", String.class), n(row.get("answered")))).all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, LinkedHashMap::new);
    }

    /** Per provider (and per key) attempt statistics for one UTC day. */
    public Flux<Map<String, Object>> usageRows(LocalDate from, LocalDate to) {
        return database.sql("select * from usage_daily where day between :from and :to order by day, provider, key_alias, model")
                .bind("from", from).bind("to", to)
                .fetch().all();
    }

    public Mono<Map<String, Object>> request(String id) {
        return database.sql("select * from request_log where id = :id").bind("id", id).fetch().one().map(this::readable);
    }

    /** A page of the request log, newest first, filtered by the given columns (equality) and time range. */
    public Mono<Map<String, Object>> requests(Map<String, String> filters, Instant from, Instant to, int page, int size) {
        StringBuilder where = new StringBuilder(" where created_at >= :from and created_at < :to");
        for (String column : filters.keySet()) {
            where.append(" and ").append(column).append(" = :").append(column);
        }
        DatabaseClient.GenericExecuteSpec count = bind(database.sql("select count(*) as n from request_log" + where),
                filters, from, to);
        DatabaseClient.GenericExecuteSpec items = bind(database.sql("select id, created_at, client, surface, path, provider, "
                + "model, key_alias, outcome, error_class, latency_ms, ttft_ms, attempts, prompt_tokens, completion_tokens, "
                + "finish_reason from request_log" + where + " order by created_at desc limit :limit offset :offset"),
                filters, from, to).bind("limit", size).bind("offset", (long) page * size);
        return Mono.zip(count.map((row, meta) -> n(row.get("n"))).one(), items.fetch().all().collectList())
                .map(t -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("page", page);
                    out.put("size", size);
                    out.put("total", t.getT1());
                    out.put("items", t.getT2());
                    return out;
                });
    }

    /**
     * Attempt-level analytics of one provider from the request log's fallback chains: totals, per key,
     * per model, and a time series in buckets.
     */
    public Mono<Map<String, Object>> analytics(String provider, Instant from, Instant to, String bucket) {
        String attempts = "from request_log r, json_array_elements(r.fallback_chain) a where r.created_at >= :from "
                + "and r.created_at < :to and a->>'provider' = :provider";
        String measures = "count(*) as attempts, count(*) filter (where a->>'outcome' = 'ok') as successes, "
                + "count(*) filter (where a->>'outcome' <> 'ok') as failures, "
                + "coalesce(avg((a->>'latency_ms')::bigint), 0)::bigint as avg_latency_ms";
        Mono<Map<String, Object>> totals = params(database.sql("select " + measures + " " + attempts), provider, from, to)
                .fetch().one();
        Mono<List<Map<String, Object>>> byKey = params(database.sql("select a->>'key' as key, " + measures + " " + attempts
                + " group by 1 order by 1"), provider, from, to).fetch().all().collectList();
        Mono<List<Map<String, Object>>> byModel = params(database.sql("select a->>'model' as model, " + measures + " "
                + attempts + " group by 1 order by 1"), provider, from, to).fetch().all().collectList();
        Mono<List<Map<String, Object>>> byError = params(database.sql("select a->>'error_class' as error_class, count(*) as n "
                + attempts + " and a->>'outcome' <> 'ok' group by 1 order by 2 desc"), provider, from, to)
                .fetch().all().collectList();
        Mono<List<Map<String, Object>>> series = params(database.sql("select date_trunc('" + bucket + "', r.created_at) as t, "
                + measures + " " + attempts + " group by 1 order by 1"), provider, from, to).fetch().all().collectList();
        return Mono.zip(totals, byKey, byModel, byError, series).map(t -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("provider", provider);
            out.put("from", from);
            out.put("to", to);
            out.put("bucket", bucket);
            out.put("totals", t.getT1());
            out.put("by_key", t.getT2());
            out.put("by_model", t.getT3());
            out.put("failures_by_class", t.getT4());
            out.put("series", t.getT5());
            return out;
        });
    }

    /** A cheap round trip, to tell whether PostgreSQL answers. */
    public Mono<Boolean> databaseUp() {
        return database.sql("select 1").fetch().rowsUpdated().thenReturn(true).onErrorReturn(false);
    }

    private static DatabaseClient.GenericExecuteSpec params(DatabaseClient.GenericExecuteSpec spec, String provider,
            Instant from, Instant to) {
        return spec.bind("provider", provider).bind("from", from).bind("to", to);
    }

    private static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec,
            Map<String, String> filters, Instant from, Instant to) {
        DatabaseClient.GenericExecuteSpec out = spec.bind("from", from).bind("to", to);
        for (Map.Entry<String, String> filter : filters.entrySet()) {
            out = out.bind(filter.getKey(), filter.getValue());
        }
        return out;
    }

    static long n(Object value) {
        return value instanceof Number number ? number.longValue() : 0;
    }

    static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }

    static List<String> columns() {
        return new ArrayList<>(List.of("provider", "model", "client", "surface", "path", "outcome", "key_alias", "error_class"));
    }
}
