package dev.switchboard.admin;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.config.PropertiesValidator.InvalidConfigurationException;
import dev.switchboard.keys.KeyHealth;
import dev.switchboard.keys.KeyHealthChecker;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.status.KeyPoolReport;
import dev.switchboard.web.JsonBodies;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runtime control under {@code /admin}: read the key pools, disable or enable a key, force health checks,
 * validate and reload the configuration. Adding and removing keys is {@link KeyChangeHandler}'s.
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

    public Mono<ServerResponse> keyPools(ServerRequest request) {
        return ServerResponse.ok().bodyValue(Map.of("generated_at", clock.instant(), "providers", report.pools()));
    }

    public Mono<ServerResponse> disableKey(ServerRequest request) {
        return body(request, KeyAction.class).flatMap(action -> {
            Provider provider = provider(registry, action.provider());
            ApiKey key = key(provider, action.alias());
            health.disable(provider, key, action.reason() == null ? "disabled by an operator" : action.reason());
            return ServerResponse.ok().bodyValue(report.pool(provider));
        });
    }

    public Mono<ServerResponse> enableKey(ServerRequest request) {
        return body(request, KeyAction.class).flatMap(action -> {
            Provider provider = provider(registry, action.provider());
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
                Provider provider = provider(registry, scope.provider());
                results = scope.alias() == null
                        ? Flux.fromIterable(provider.keys().keys()).flatMap(key -> checker.check(provider, key))
                        : checker.check(provider, key(provider, scope.alias())).flux();
            }
            return results.collectList().flatMap(list -> ServerResponse.ok().bodyValue(Map.of("results", list)));
        });
    }

    /**
     * {@code POST /admin/config/reload} and {@code /api/v1/brain/config/reload}: providers, keys, templates and
     * runtime settings together, answered as seed 001 does ({@code success}, {@code message}) plus what changed.
     * With {@code ?dry_run} it only validates the files on disk and changes nothing.
     */
    public Mono<ServerResponse> reload(ServerRequest request) {
        if (dryRun(request)) {
            return reloader.validate(null).flatMap(validation -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("success", validation.valid());
                body.put("message", validation.valid() ? "The configuration is valid; nothing was changed (dry run)."
                        : "The configuration is invalid; nothing was changed (dry run).");
                body.put("dry_run", true);
                body.put("valid", validation.valid());
                body.put("issues", validation.issues());
                body.put("files", validation.files());
                return ServerResponse.ok().bodyValue(body);
            });
        }
        return reloader.reload()
                .onErrorMap(InvalidConfigurationException.class, e -> GatewayException.badRequest("invalid_configuration",
                        e.getMessage()))
                .flatMap(result -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("success", true);
                    body.put("message", "Configuration reloaded: providers, keys, task templates and runtime settings.");
                    body.put("reloaded", true);
                    body.put("files", result.files());
                    body.put("keys_by_provider", result.keysByProvider());
                    body.put("tasks", result.tasks());
                    body.put("settings", result.settings());
                    body.put("warnings", result.warnings());
                    return ServerResponse.ok().bodyValue(body);
                });
    }

    /**
     * {@code POST /admin/config/validate}: the files on disk (empty body), or the posted YAML document laid over
     * the running configuration, checked as a reload would check them; {@code {valid, issues[]}}, nothing changed.
     */
    public Mono<ServerResponse> validate(ServerRequest request) {
        return request.bodyToMono(byte[].class).defaultIfEmpty(new byte[0])
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
                .flatMap(text -> reloader.validate(text.isBlank() ? null : text))
                .flatMap(validation -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("valid", validation.valid());
                    body.put("issues", validation.issues());
                    body.put("files", validation.files());
                    return ServerResponse.ok().bodyValue(body);
                });
    }

    private static boolean dryRun(ServerRequest request) {
        return request.queryParam("dry_run").map(v -> !v.equalsIgnoreCase("false")).orElse(false);
    }

    private <T> Mono<T> body(ServerRequest request, Class<T> type) {
        return request.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]).map(bytes -> parser.parse(bytes, type));
    }

    /** The provider of this name, or a 400 (no name) or 404. */
    static Provider provider(ProviderRegistry registry, String name) {
        if (name == null) {
            throw GatewayException.badRequest("provider_required", "'provider' is required.");
        }
        return registry.get(name).orElseThrow(() -> new GatewayException(404, "invalid_request_error",
                "provider_not_found", "The provider '" + name + "' is not configured.", null));
    }

    /** The provider's key of this alias, or a 400 (no alias) or 404. */
    static ApiKey key(Provider provider, String alias) {
        if (alias == null) {
            throw GatewayException.badRequest("alias_required", "'alias' is required.");
        }
        return provider.keys().keys().stream().filter(k -> k.alias().equals(alias)).findFirst()
                .orElseThrow(() -> new GatewayException(404, "invalid_request_error", "key_not_found",
                        "The provider '" + provider.name() + "' has no key '" + alias + "'.", null));
    }

}
