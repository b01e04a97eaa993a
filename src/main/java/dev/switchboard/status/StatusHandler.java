package dev.switchboard.status;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.support.UtcDay;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** The status, analytics and request-log endpoints. */
public final class StatusHandler {

    private static final Set<String> BUCKETS = Set.of("minute", "hour", "day");
    private static final int MAX_PAGE_SIZE = 500;

    private final StatusReport report;
    private final StatusQueries queries;
    private final Clock clock;

    public StatusHandler(StatusReport report, StatusQueries queries, Clock clock) {
        this.report = report;
        this.queries = queries;
        this.clock = clock;
    }

    public Mono<ServerResponse> status(ServerRequest request) {
        return report.status().flatMap(this::json);
    }

    public Mono<ServerResponse> providers(ServerRequest request) {
        return report.providers().flatMap(this::json);
    }

    public Mono<ServerResponse> keyHealth(ServerRequest request) {
        return report.keyHealth().flatMap(this::json);
    }

    public Mono<ServerResponse> export(ServerRequest request) {
        int days = intParam(request, "days", 30, 1, 366);
        return report.export(days).flatMap(body -> ServerResponse.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"switchboard-stats-"
                        + UtcDay.today(clock) + ".json\"")
                .bodyValue(body));
    }

    /** {@code GET /analytics/{provider}?from=&to=&bucket=minute|hour|day}; default: today, by hour. */
    public Mono<ServerResponse> analytics(ServerRequest request) {
        String bucket = request.queryParam("bucket").orElse("hour");
        if (!BUCKETS.contains(bucket)) {
            throw GatewayException.badRequest("invalid_bucket", "'bucket' must be minute, hour or day.");
        }
        Instant to = instantParam(request, "to", clock.instant().plusSeconds(1));
        Instant from = instantParam(request, "from", UtcDay.today(clock)
                .atStartOfDay(ZoneOffset.UTC).toInstant());
        checkRange(from, to);
        String provider = request.pathVariable("provider");
        return queries.analytics(provider, from, to, bucket)
                .map(analytics -> withSummary(provider, analytics))
                .flatMap(this::json);
    }

    /** Seed 002's {@code summary} (with {@code health_percentage}) first, then the breakdowns. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> withSummary(String provider, Map<String, Object> analytics) {
        Map<String, Object> totals = analytics.get("totals") instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("summary", report.analyticsSummary(provider, totals));
        out.putAll(analytics);
        return out;
    }

    public Mono<ServerResponse> request(ServerRequest request) {
        return queries.request(request.pathVariable("id"))
                .switchIfEmpty(Mono.error(() -> new GatewayException(404, "invalid_request_error", "request_not_found",
                        "No request with id '" + request.pathVariable("id") + "' in the request log.", null)))
                .flatMap(this::json);
    }

    /** {@code GET /api/v1/requests?provider=&model=&client=&surface=&path=&outcome=&from=&to=&page=&size=}. */
    public Mono<ServerResponse> requests(ServerRequest request) {
        Map<String, String> filters = new LinkedHashMap<>();
        for (String column : StatusQueries.columns()) {
            String param = column.equals("key_alias") ? "key" : column;
            request.queryParam(param).filter(v -> !v.isBlank()).ifPresent(v -> filters.put(column, v));
        }
        Instant to = instantParam(request, "to", clock.instant().plusSeconds(1));
        Instant from = instantParam(request, "from", to.minus(Duration.ofDays(7)));
        checkRange(from, to);
        int page = intParam(request, "page", 0, 0, 1_000_000);
        int size = intParam(request, "size", 50, 1, MAX_PAGE_SIZE);
        return queries.requests(filters, from, to, page, size).flatMap(this::json);
    }

    private Mono<ServerResponse> json(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }

    private static Instant instantParam(ServerRequest request, String name, Instant fallback) {
        return request.queryParam(name).filter(v -> !v.isBlank()).map(v -> {
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException notInstant) {
                try {
                    return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeParseException notDate) {
                    throw GatewayException.badRequest("invalid_time", "'" + name
                            + "' must be an ISO-8601 instant (2026-11-23T10:00:00Z) or a date (2026-11-23).");
                }
            }
        }).orElse(fallback);
    }

    private static void checkRange(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw GatewayException.badRequest("invalid_range", "'from' must be before 'to'.");
        }
        if (Duration.between(from, to).toDays() > 400) {
            throw GatewayException.badRequest("invalid_range", "The range may span at most 400 days.");
        }
    }

    private static int intParam(ServerRequest request, String name, int fallback, int min, int max) {
        return request.queryParam(name).filter(v -> !v.isBlank()).map(v -> {
            try {
                int n = Integer.parseInt(v.trim());
                if (n < min || n > max) {
                    throw GatewayException.badRequest("invalid_" + name, "'" + name + "' must be between " + min
                            + " and " + max + ".");
                }
                return n;
            } catch (NumberFormatException e) {
                throw GatewayException.badRequest("invalid_" + name, "'" + name + "' must be a whole number.");
            }
        }).orElse(fallback);
    }
}
