package dev.switchboard.security;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.web.JsonBodies;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code /admin/clients}: create a client (its key is in this one answer and nowhere else, ever), list
 * clients (public id and masked key only), revoke one.
 */
final class ClientAdminHandler {

    private static final long MAX_RPM = 1_000_000;
    private static final long MAX_DAILY = 1_000_000_000_000L;

    private final ClientAccounts accounts;
    private final JsonBodies parser;

    ClientAdminHandler(ClientAccounts accounts, JsonBodies parser) {
        this.accounts = accounts;
        this.parser = parser;
    }

    /** The body of {@code POST /admin/clients}; limits default to 0 (unlimited). */
    record NewClient(String name,
            @JsonProperty("requests_per_minute") Long requestsPerMinute,
            @JsonProperty("daily_requests") Long dailyRequests,
            @JsonProperty("daily_tokens") Long dailyTokens) {
    }

    /** A client as the admin API shows it: never its key, salt or hash. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ClientView(String id, String name,
            @JsonProperty("masked_key") String maskedKey,
            @JsonProperty("requests_per_minute") int requestsPerMinute,
            @JsonProperty("daily_requests") long dailyRequests,
            @JsonProperty("daily_tokens") long dailyTokens,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("revoked_at") @Nullable Instant revokedAt,
            @JsonProperty("usage_today") Map<String, Long> usageToday) {
    }

    Mono<ServerResponse> create(ServerRequest request) {
        return request.bodyToMono(byte[].class)
                .defaultIfEmpty(new byte[0])
                .map(bytes -> parser.parse(bytes, NewClient.class))
                .flatMap(body -> accounts.create(ClientAccounts.checkName(body.name()), limits(body)))
                .flatMap(created -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("key", created.key());
                    out.put("warning", "Store this key now: it is shown only once. Switchboard keeps only a salted hash.");
                    out.put("client", view(created.client()));
                    return ServerResponse.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON)
                            .bodyValue(out);
                });
    }

    Mono<ServerResponse> list(ServerRequest request) {
        return accounts.all().map(this::view).collectList()
                .flatMap(clients -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("clients", clients)));
    }

    Mono<ServerResponse> revoke(ServerRequest request) {
        String id = request.pathVariable("id");
        return accounts.revoke(id)
                .switchIfEmpty(Mono.error(() -> new GatewayException(404, "invalid_request_error", "client_not_found",
                        "No client with id '" + JsonBodies.abbreviate(id) + "'.", null)))
                .flatMap(client -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("revoked", true, "client", view(client))));
    }

    private ClientView view(ClientRecord client) {
        long[] usage = accounts.usageToday(client.id());
        return new ClientView(client.id(), client.name(), ClientKeys.masked(client.id()), client.requestsPerMinute(),
                client.dailyRequests(), client.dailyTokens(), client.createdAt(), client.revokedAt(),
                Map.of("requests", usage[0], "tokens", usage[1]));
    }

    private static ClientAccounts.Limits limits(NewClient body) {
        return new ClientAccounts.Limits(
                (int) range("requests_per_minute", body.requestsPerMinute(), MAX_RPM),
                range("daily_requests", body.dailyRequests(), MAX_DAILY),
                range("daily_tokens", body.dailyTokens(), MAX_DAILY));
    }

    private static long range(String field, @Nullable Long value, long max) {
        if (value == null) {
            return 0;
        }
        if (value < 0 || value > max) {
            throw GatewayException.badRequest("invalid_limit", "'" + field + "' must be between 0 (unlimited) and "
                    + max + ".");
        }
        return value;
    }
}
