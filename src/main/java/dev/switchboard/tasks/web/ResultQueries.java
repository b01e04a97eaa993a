package dev.switchboard.tasks.web;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.tasks.TaskResultStore;
import dev.switchboard.web.ClientIdentity;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Reads {@code GET /api/v1/brain/results?task_type=&from=&to=&client=&page=&size=} into a query, and
 * decides whose results the caller may see: a client only its own, the admin token everyone's (or one
 * client's, with {@code client}).
 */
final class ResultQueries {

    static final int DEFAULT_SIZE = 50;
    static final int MAX_SIZE = 100;
    private static final Set<String> PARAMS = Set.of("task_type", "from", "to", "client", "page", "size");

    private ResultQueries() {
    }

    /** Whose results the caller may read: its own client id, or null (everyone's) for the admin token. */
    static @Nullable String owner(ServerRequest request) {
        return ClientIdentity.isAdmin(request.exchange()) ? null : ClientIdentity.of(request.exchange());
    }

    static TaskResultStore.ResultQuery of(ServerRequest request) {
        for (String name : request.queryParams().keySet()) {
            if (!PARAMS.contains(name)) {
                throw GatewayException.badRequest("unknown_parameter", "Unknown query parameter '"
                        + (name.length() > 64 ? name.substring(0, 64) : name) + "'; known: client, from, page, size, "
                        + "task_type, to.");
            }
        }
        String owner = owner(request);
        String client = text(request, "client");
        if (client != null) {
            if (owner != null && !owner.equals(client)) {
                throw new GatewayException(403, "permission_error", "admin_only",
                        "Only the admin token can list another client's results; a client key lists its own.", null);
            }
            owner = client;
        }
        Instant from = instant(request, "from");
        Instant to = instant(request, "to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw GatewayException.badRequest("invalid_range", "'from' must be before 'to'.");
        }
        return new TaskResultStore.ResultQuery(owner, text(request, "task_type"), from, to,
                integer(request, "page", 0, 0, 1_000_000), integer(request, "size", DEFAULT_SIZE, 1, MAX_SIZE));
    }

    private static @Nullable String text(ServerRequest request, String name) {
        String value = request.queryParam(name).map(String::strip).filter(v -> !v.isEmpty()).orElse(null);
        if (value != null && value.length() > 64) {
            throw GatewayException.badRequest("invalid_" + name, "'" + name + "' is at most 64 characters.");
        }
        return value;
    }

    private static @Nullable Instant instant(ServerRequest request, String name) {
        String value = request.queryParam(name).map(String::strip).filter(v -> !v.isEmpty()).orElse(null);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notInstant) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notDate) {
                throw GatewayException.badRequest("invalid_time", "'" + name
                        + "' must be an ISO-8601 instant (2026-11-23T10:00:00Z) or a date (2026-11-23).");
            }
        }
    }

    private static int integer(ServerRequest request, String name, int fallback, int min, int max) {
        String value = request.queryParam(name).map(String::strip).filter(v -> !v.isEmpty()).orElse(null);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // worded below
        }
        throw GatewayException.badRequest("invalid_" + name, "'" + name + "' must be a whole number between " + min
                + " and " + max + ".");
    }
}
