package dev.switchboard.security;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.web.ClientIdentity;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Who is calling. The admin token opens everything (its requests run as client {@code admin}); a client
 * key opens the API ({@code /api/**}, {@code /v1/**}) and puts the client's id on the exchange
 * ({@link ClientIdentity}), from where every surface copies it into its commands; admin paths refuse
 * client keys (403). Missing or wrong credentials are a 401 with {@code WWW-Authenticate}. In demo mode
 * nothing is required: a valid client key still names its client, anything else is anonymous.
 */
final class SecurityFilter implements WebFilter, Ordered {

    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 20;
    private static final String CHALLENGE = "Bearer realm=\"switchboard\"";
    private static final Authentication OPERATOR = UsernamePasswordAuthenticationToken.authenticated(ClientLimits.ADMIN,
            null, List.of());

    private final AdminToken adminToken;
    private final ClientDirectory clients;
    private final boolean demo;

    SecurityFilter(AdminToken adminToken, ClientDirectory clients, boolean demo) {
        this.adminToken = adminToken;
        this.clients = clients;
        this.demo = demo;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        AccessRules.Access access = AccessRules.of(exchange.getRequest().getPath().pathWithinApplication());
        String credential = Credentials.of(exchange.getRequest());
        if (access == AccessRules.Access.CLIENT && ClientKeys.shaped(credential)) {
            // the usual API call, checked as a client key first so that it costs no hash of the admin token;
            // outside demo mode the admin token cannot have a client key's shape (AdminToken.problem)
            return asClient(exchange, credential).flatMap(known -> known ? chain.filter(exchange)
                    : adminTokenOr(exchange, chain, credential, () -> notAClient(exchange, chain)));
        }
        return adminTokenOr(exchange, chain, credential, () -> switch (access) {
            case PUBLIC -> chain.filter(exchange);
            case ADMIN -> demo ? chain.filter(exchange) : refuseOnAdminPath(exchange, credential);
            case CLIENT -> client(exchange, chain, credential);
        });
    }

    /** The operator when the credential is the admin token, else what {@code otherwise} decides. */
    private Mono<Void> adminTokenOr(ServerWebExchange exchange, WebFilterChain chain, @Nullable String credential,
            Supplier<Mono<Void>> otherwise) {
        if (adminToken.matches(credential)) {
            ClientIdentity.set(exchange, ClientLimits.ADMIN);
            // the operator is authenticated for the actuator, which shows health details to authorized callers only
            return chain.filter(exchange).contextWrite(ReactiveSecurityContextHolder.withAuthentication(OPERATOR));
        }
        return otherwise.get();
    }

    private Mono<Void> client(ServerWebExchange exchange, WebFilterChain chain, @Nullable String credential) {
        if (credential == null || credential.isEmpty()) {
            return demo ? chain.filter(exchange) : unauthorized(exchange, "missing_api_key",
                    "This endpoint needs a client key: send 'Authorization: Bearer sb-...' (or the header 'x-api-key').");
        }
        return asClient(exchange, credential)
                .flatMap(known -> known ? chain.filter(exchange) : notAClient(exchange, chain));
    }

    /** Whether the credential is an active client's key; if so the client is put on the exchange. */
    private Mono<Boolean> asClient(ServerWebExchange exchange, String credential) {
        return clients.verify(credential)
                .map(client -> {
                    ClientIdentity.set(exchange, client.id());
                    return Boolean.TRUE;
                })
                .defaultIfEmpty(Boolean.FALSE);
    }

    /** A credential that is no client's key on an API path: anonymous in demo mode, else a 401. */
    private Mono<Void> notAClient(ServerWebExchange exchange, WebFilterChain chain) {
        return demo ? chain.filter(exchange) : unauthorized(exchange, "invalid_api_key",
                "The client key is not valid (unknown, revoked or mistyped).");
    }

    private Mono<Void> refuseOnAdminPath(ServerWebExchange exchange, @Nullable String credential) {
        if (credential == null || credential.isEmpty()) {
            return unauthorized(exchange, "admin_token_required",
                    "This endpoint needs the admin token: send 'Authorization: Bearer <admin token>'.");
        }
        return clients.verify(credential)
                .hasElement()
                .flatMap(isClient -> isClient
                        ? Mono.error(new GatewayException(403, "permission_error", "admin_only",
                                "Client keys cannot use this endpoint; it needs the admin token.", null))
                        : unauthorized(exchange, "invalid_admin_token", "The admin token is not valid."));
    }

    private static Mono<Void> unauthorized(ServerWebExchange exchange, String code, String message) {
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
        return Mono.error(new GatewayException(401, "authentication_error", code, message, null));
    }
}
