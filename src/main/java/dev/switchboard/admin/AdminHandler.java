package dev.switchboard.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.config.PropertiesValidator.InvalidConfigurationException;
import dev.switchboard.keys.KeyFormat;
import dev.switchboard.keys.KeyHealth;
import dev.switchboard.keys.KeyHealthChecker;
import dev.switchboard.keys.KeyStatus;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.status.KeyPoolReport;
import dev.switchboard.web.JsonBodies;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runtime control under {@code /admin}: read the key pools, add a key (checked first), disable or
 * enable a key, force health checks, reload the configuration.
 */
public final class AdminHandler {

    private final ProviderRegistry registry;
    private final KeyHealth health;
    private final KeyHealthChecker checker;
    private final KeyPoolReport report;
    private final ConfigReloader reloader;
    private final JsonBodies parser;
    private final Clock clock;

    public AdminHandler(ProviderRegistry registry, KeyHealth health, KeyHealthChecker checker, KeyPoolReport report,
            ConfigReloader reloader, JsonBodies parser, Clock clock) {
        this.clock = clock;
        this.registry = registry;
        this.health = health;
        this.checker = checker;
        this.report = report;
        this.reloader = reloader;
        this.parser = parser;
    }

    /** The body of key actions. */
    record KeyAction(String provider, String alias, String reason) {
    }

    /** The body of {@code POST /admin/providers/{provider}/keys}. */
    record NewKey(String key, String name, Integer priority, @JsonProperty("daily_limit") Long dailyLimit) {
    }

    public Mono<ServerResponse> keyPools(ServerRequest request) {
        return ServerResponse.ok().bodyValue(Map.of("generated_at", clock.instant(), "providers", report.pools()));
    }

    public Mono<ServerResponse> addKey(ServerRequest request) {
        Provider provider = provider(request.pathVariable("provider"));
        return body(request, NewKey.class).flatMap(body -> {
            String secret = body.key() == null ? "" : body.key().trim();
            if (secret.isEmpty()) {
                return Mono.error(GatewayException.badRequest("key_required", "'key' is required."));
            }
            if (provider.keys().keys().stream().anyMatch(k -> k.secret().equals(secret))) {
                return Mono.error(new GatewayException(409, "invalid_request_error", "duplicate_key",
                        "This key is already in the pool of " + provider.name() + ".", null));
            }
            ApiKey key = new ApiKey(alias(provider, body.name()), secret, body.priority() == null ? 100 : body.priority(),
                    body.dailyLimit() == null ? 0 : body.dailyLimit(), true);
            var formatProblem = KeyFormat.problem(provider, key);
            if (formatProblem.isPresent()) {
                return Mono.error(new GatewayException(422, "invalid_request_error", "malformed_key",
                        "The key was not added: " + formatProblem.get() + ".", null));
            }
            return checker.check(provider, key).flatMap(result -> {
                KeyStatus status = health.status(provider, key);
                if (status == KeyStatus.INVALID || status == KeyStatus.QUOTA_EXCEEDED) {
                    health.forget(provider, key);
                    return Mono.error(new GatewayException(422, "invalid_request_error", "key_rejected",
                            "The provider rejected the key (" + result.outcome() + "); it was not added.", null));
                }
                provider.keys().add(key);
                health.register(provider);
                return ServerResponse.status(HttpStatus.CREATED).bodyValue(Map.of("provider", provider.name(),
                        "alias", key.alias(), "masked_key", key.masked(), "status", status.code(),
                        "check", result.outcome()));
            });
        });
    }

    public Mono<ServerResponse> disableKey(ServerRequest request) {
        return body(request, KeyAction.class).flatMap(action -> {
            Provider provider = provider(action.provider());
            ApiKey key = key(provider, action.alias());
            health.disable(provider, key, action.reason() == null ? "disabled by an operator" : action.reason());
            return ServerResponse.ok().bodyValue(report.pool(provider));
        });
    }

    public Mono<ServerResponse> enableKey(ServerRequest request) {
        return body(request, KeyAction.class).flatMap(action -> {
            Provider provider = provider(action.provider());
            ApiKey key = key(provider, action.alias());
            health.activate(provider, key, "enabled by an operator");
            return ServerResponse.ok().bodyValue(report.pool(provider));
        });
    }

    public Mono<ServerResponse> healthCheck(ServerRequest request) {
        return request.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]).flatMap(bytes -> {
            KeyAction scope = bytes.length == 0 ? new KeyAction(null, null, null) : parser.parse(bytes, KeyAction.class);
            Flux<KeyHealthChecker.Result> results;
            if (scope.provider() == null) {
                results = checker.checkAll();
            } else {
                Provider provider = provider(scope.provider());
                results = scope.alias() == null
                        ? Flux.fromIterable(provider.keys().keys()).flatMap(key -> checker.check(provider, key))
                        : checker.check(provider, key(provider, scope.alias())).flux();
            }
            return results.collectList().flatMap(list -> ServerResponse.ok().bodyValue(Map.of("results", list)));
        });
    }

    public Mono<ServerResponse> reload(ServerRequest request) {
        return reloader.reload()
                .onErrorMap(InvalidConfigurationException.class, e -> GatewayException.badRequest("invalid_configuration",
                        e.getMessage()))
                .flatMap(result -> ServerResponse.ok().bodyValue(Map.of("reloaded", true, "files", result.files(),
                        "keys_by_provider", result.keysByProvider())));
    }

    private <T> Mono<T> body(ServerRequest request, Class<T> type) {
        return request.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]).map(bytes -> parser.parse(bytes, type));
    }

    private Provider provider(String name) {
        if (name == null) {
            throw GatewayException.badRequest("provider_required", "'provider' is required.");
        }
        return registry.get(name).orElseThrow(() -> new GatewayException(404, "invalid_request_error",
                "provider_not_found", "The provider '" + name + "' is not configured.", null));
    }

    private static ApiKey key(Provider provider, String alias) {
        if (alias == null) {
            throw GatewayException.badRequest("alias_required", "'alias' is required.");
        }
        return provider.keys().keys().stream().filter(k -> k.alias().equals(alias)).findFirst()
                .orElseThrow(() -> new GatewayException(404, "invalid_request_error", "key_not_found",
                        "The provider '" + provider.name() + "' has no key '" + alias + "'.", null));
    }

    private static String alias(Provider provider, String name) {
        List<String> taken = provider.keys().keys().stream().map(ApiKey::alias).toList();
        if (name != null && !name.isBlank()) {
            if (taken.contains(name.trim())) {
                throw new GatewayException(409, "invalid_request_error", "duplicate_alias",
                        "The alias '" + name.trim() + "' is taken.", null);
            }
            return name.trim();
        }
        int n = provider.keys().size() + 1;
        while (taken.contains(provider.name() + "#" + n)) {
            n++;
        }
        return provider.name() + "#" + n;
    }
}
