package dev.switchboard.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.chat.NameLimits;
import dev.switchboard.keys.KeyFormat;
import dev.switchboard.keys.KeyHealth;
import dev.switchboard.keys.KeyHealthChecker;
import dev.switchboard.keys.KeyStatus;
import dev.switchboard.keys.MasterKey;
import dev.switchboard.keys.RuntimeKeys;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.KeyMasking;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.web.JsonBodies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Keys added and removed at runtime: {@code POST /admin/providers/{provider}/keys} (one key or a list, each
 * checked first), {@code POST /admin/providers/{provider}/keys/remove} and
 * {@code DELETE /admin/providers/{provider}/keys/{alias}}. {@link RuntimeKeys} keeps the changes; every
 * answer says where (PostgreSQL, encrypted, or this instance's memory). Keys appear masked, never whole.
 */
public final class KeyChangeHandler {

    /** Keys one call may add or remove. */
    static final int MAX_KEYS_PER_CALL = 100;

    private final ProviderRegistry registry;
    private final KeyHealth health;
    private final KeyHealthChecker checker;
    private final RuntimeKeys runtimeKeys;
    private final JsonBodies parser;

    public KeyChangeHandler(ProviderRegistry registry, KeyHealth health, KeyHealthChecker checker,
            RuntimeKeys runtimeKeys, JsonBodies parser) {
        this.registry = registry;
        this.health = health;
        this.checker = checker;
        this.runtimeKeys = runtimeKeys;
        this.parser = parser;
    }

    /** One key of {@code POST /admin/providers/{provider}/keys}. */
    record NewKey(String key, String name, Integer priority, @JsonProperty("daily_limit") Long dailyLimit) {

        /** The keys of a list: each a string or an object with {@code key}; a 400 naming the first bad one. */
        static List<NewKey> list(JsonNode keys) {
            if (!keys.isArray() || keys.isEmpty() || keys.size() > MAX_KEYS_PER_CALL) {
                throw GatewayException.badRequest("invalid_keys", "'keys' must be an array of 1 to " + MAX_KEYS_PER_CALL
                        + " keys.");
            }
            List<NewKey> out = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                JsonNode k = keys.get(i);
                String at = "keys[" + i + "]";
                if (k.isString()) {
                    out.add(new NewKey(k.asString(), null, null, null));
                } else if (k.isObject()) {
                    Long priority = number(k, "priority", at, 0, 1_000_000);
                    out.add(new NewKey(text(k, "key", at), text(k, "name", at),
                            priority == null ? null : priority.intValue(), number(k, "daily_limit", at, 0, Long.MAX_VALUE)));
                } else {
                    throw GatewayException.badRequest("invalid_type", "'" + at + "' must be a key or an object with 'key'.");
                }
            }
            return out;
        }

        private static @Nullable String text(JsonNode k, String field, String at) {
            JsonNode v = k.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isString()) {
                throw GatewayException.badRequest("invalid_type", "'" + at + "." + field + "' must be a string.");
            }
            return v.asString();
        }

        private static @Nullable Long number(JsonNode k, String field, String at, long min, long max) {
            JsonNode v = k.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
                throw GatewayException.badRequest("invalid_type", "'" + at + "." + field + "' must be a whole number "
                        + "from " + min + ".");
            }
            return v.asLong();
        }
    }

    /**
     * {@code POST /admin/providers/{provider}/keys}: one key ({@code {"key": ...}}, answered 201 or with its
     * error), or a list ({@code {"keys": [...]}} or a JSON array; each a key or {@code {"key", "name",
     * "priority", "daily_limit"}}), each checked and each answered in {@code results}, with seed 002's
     * {@code healthy_keys_added}. A key that passes its check joins the pool and is kept by {@link RuntimeKeys}:
     * stored encrypted when there is a master key, in memory only (and the answer says so) when not.
     */
    public Mono<ServerResponse> addKey(ServerRequest request) {
        Provider provider = AdminHandler.provider(registry, request.pathVariable("provider"));
        return request.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]).flatMap(bytes -> {
            JsonNode body = parser.parse(bytes, JsonNode.class);
            if (body.isArray() || body.isObject() && body.has("keys")) {
                List<NewKey> keys = NewKey.list(body.isArray() ? body : body.get("keys"));
                return Flux.fromIterable(keys).concatMap(key -> addOne(provider, key)).collectList()
                        .flatMap(results -> ServerResponse.ok().bodyValue(addedList(provider, results)));
            }
            return addOne(provider, parser.parse(bytes, NewKey.class)).flatMap(added -> {
                if (added.error() != null) {
                    return Mono.error(added.error());
                }
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("provider", provider.name());
                answer.put("alias", added.alias());
                answer.put("masked_key", added.maskedKey());
                answer.put("status", added.status());
                answer.put("check", added.check());
                storage(answer, added.storage());
                return ServerResponse.status(HttpStatus.CREATED).bodyValue(answer);
            });
        });
    }

    /** What became of one key to add; {@code error} set when it was not added. */
    private record Added(@Nullable String maskedKey, @Nullable String alias, @Nullable String status,
            @Nullable String check, RuntimeKeys.@Nullable Storage storage, @Nullable GatewayException error) {

        static Mono<Added> refused(@Nullable String maskedKey, GatewayException error) {
            return Mono.just(new Added(maskedKey, null, null, null, null, error));
        }
    }

    private Mono<Added> addOne(Provider provider, NewKey body) {
        String secret = body.key() == null ? "" : body.key().trim();
        if (secret.isEmpty()) {
            return Added.refused(null, GatewayException.badRequest("key_required", "'key' is required."));
        }
        String masked = KeyMasking.mask(secret);
        if (provider.keys().keys().stream().anyMatch(k -> k.secret().equals(secret))) {
            return Added.refused(masked, new GatewayException(409, "invalid_request_error", "duplicate_key",
                    "This key is already in the pool of " + provider.name() + ".", null));
        }
        String alias;
        try {
            alias = alias(provider, body.name());
        } catch (GatewayException taken) {
            return Added.refused(masked, taken);
        }
        ApiKey key = new ApiKey(alias, secret, body.priority() == null ? 100 : body.priority(),
                body.dailyLimit() == null ? 0 : body.dailyLimit(), true);
        var formatProblem = KeyFormat.problem(provider, key);
        if (formatProblem.isPresent()) {
            return Added.refused(masked, new GatewayException(422, "invalid_request_error", "malformed_key",
                    "The key was not added: " + formatProblem.get() + ".", null));
        }
        return checker.check(provider, key).flatMap(result -> {
            KeyStatus status = health.status(provider, key);
            if (status == KeyStatus.INVALID || status == KeyStatus.QUOTA_EXCEEDED) {
                health.forget(provider, key);
                return Added.refused(masked, new GatewayException(422, "invalid_request_error", "key_rejected",
                        "The provider rejected the key (" + result.outcome() + "); it was not added.", null));
            }
            return runtimeKeys.add(provider, key)
                    .map(storage -> new Added(masked, key.alias(), status.code(), result.outcome(), storage, null));
        });
    }

    private Map<String, Object> addedList(Provider provider, List<Added> added) {
        List<Map<String, Object>> results = new ArrayList<>();
        RuntimeKeys.Storage storage = null;
        for (Added one : added) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("masked_key", one.maskedKey());
            r.put("added", one.error() == null);
            if (one.error() == null) {
                r.put("alias", one.alias());
                r.put("status", one.status());
                r.put("check", one.check());
                storage = worse(storage, one.storage());
            } else {
                r.put("error", error(one.error()));
            }
            results.add(r);
        }
        long ok = added.stream().filter(a -> a.error() == null).count();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("provider", provider.name());
        answer.put("healthy_keys_added", ok);
        answer.put("keys_rejected", added.size() - ok);
        storage(answer, storage == null ? runtimeKeys.persistent() ? RuntimeKeys.Storage.STORED : RuntimeKeys.Storage.MEMORY
                : storage);
        answer.put("results", results);
        return answer;
    }

    /**
     * {@code DELETE /admin/providers/{provider}/keys/{alias}}: takes one key out, for good (see
     * {@link #removeKeys}).
     */
    public Mono<ServerResponse> removeKey(ServerRequest request) {
        Provider provider = AdminHandler.provider(registry, request.pathVariable("provider"));
        ApiKey key = AdminHandler.key(provider, request.pathVariable("alias"));
        return runtimeKeys.remove(provider, key).flatMap(storage -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("provider", provider.name());
            answer.put("alias", key.alias());
            answer.put("masked_key", key.masked());
            answer.put("removed", true);
            storage(answer, storage);
            return ServerResponse.ok().bodyValue(answer);
        });
    }

    /**
     * {@code POST /admin/providers/{provider}/keys/remove} with {@code {"aliases": [...]}} (or {@code "alias"}, or
     * a JSON array of aliases): each key taken out and each answered. Like added keys, removals are stored (a
     * configured key then stays out after a restart, on every instance) when there is a master key.
     */
    public Mono<ServerResponse> removeKeys(ServerRequest request) {
        Provider provider = AdminHandler.provider(registry, request.pathVariable("provider"));
        return request.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]).flatMap(bytes -> {
            List<String> aliases = aliases(parser.parse(bytes, JsonNode.class));
            return Flux.fromIterable(aliases).concatMap(alias -> removeOne(provider, alias)).collectList()
                    .flatMap(results -> {
                        long removed = results.stream().filter(r -> Boolean.TRUE.equals(r.get("removed"))).count();
                        Map<String, Object> answer = new LinkedHashMap<>();
                        answer.put("provider", provider.name());
                        answer.put("keys_removed", removed);
                        RuntimeKeys.Storage storage = null;
                        for (Map<String, Object> r : results) {
                            storage = worse(storage, (RuntimeKeys.Storage) r.remove("_storage"));
                        }
                        storage(answer, storage == null ? runtimeKeys.persistent() ? RuntimeKeys.Storage.STORED
                                : RuntimeKeys.Storage.MEMORY : storage);
                        answer.put("results", results);
                        return ServerResponse.ok().bodyValue(answer);
                    });
        });
    }

    private Mono<Map<String, Object>> removeOne(Provider provider, String alias) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("alias", alias);
        ApiKey key = provider.keys().keys().stream().filter(k -> k.alias().equals(alias)).findFirst().orElse(null);
        if (key == null) {
            r.put("removed", false);
            r.put("error", error(new GatewayException(404, "invalid_request_error", "key_not_found",
                    "The provider '" + provider.name() + "' has no key '" + alias + "'.", null)));
            return Mono.just(r);
        }
        r.put("masked_key", key.masked());
        return runtimeKeys.remove(provider, key).map(storage -> {
            r.put("removed", true);
            r.put("_storage", storage);
            return r;
        });
    }

    private static List<String> aliases(JsonNode body) {
        JsonNode list = body.isArray() ? body : body.isObject() && body.has("aliases") ? body.get("aliases")
                : body.isObject() && body.has("alias") ? body.get("alias") : null;
        if (list == null) {
            throw GatewayException.badRequest("aliases_required", "Send {\"aliases\": [\"groq#2\", ...]} (or \"alias\").");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode alias : list.isArray() ? list : List.of(list)) {
            if (!alias.isString() || alias.asString().isBlank()) {
                throw GatewayException.badRequest("invalid_alias", "Each alias must be a non-empty string.");
            }
            out.add(alias.asString().trim());
        }
        if (out.isEmpty() || out.size() > MAX_KEYS_PER_CALL) {
            throw GatewayException.badRequest("invalid_aliases", "Send 1 to " + MAX_KEYS_PER_CALL + " aliases.");
        }
        return out;
    }

    /** The least durable of two storages: a list is only as kept as its least kept key. */
    private static RuntimeKeys.Storage worse(RuntimeKeys.@Nullable Storage a, RuntimeKeys.@Nullable Storage b) {
        if (a == null) {
            return b;
        }
        return b == null || a.ordinal() >= b.ordinal() ? a : b;
    }

    /** {@code persisted}, {@code storage} and, unless stored, a {@code note} saying what that means. */
    private void storage(Map<String, Object> answer, RuntimeKeys.@Nullable Storage storage) {
        boolean stored = storage == RuntimeKeys.Storage.STORED;
        answer.put("persisted", stored);
        answer.put("storage", stored ? "postgresql (AES-256-GCM)" : "memory");
        if (storage == RuntimeKeys.Storage.MEMORY) {
            answer.put("note", MasterKey.ENVIRONMENT + " is not set: this change lives in this instance's memory only; "
                    + "it is lost when the gateway stops and other instances do not see it.");
        } else if (storage == RuntimeKeys.Storage.FAILED) {
            answer.put("note", "The change could not be stored in PostgreSQL: it lives in this instance's memory only.");
        }
    }

    private static Map<String, Object> error(GatewayException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", e.code());
        error.put("message", e.getMessage());
        error.put("status", e.status());
        return error;
    }

    private static String alias(Provider provider, String name) {
        List<String> taken = provider.keys().keys().stream().map(ApiKey::alias).toList();
        if (name != null && !name.isBlank()) {
            String alias = name.trim();
            if (!NameLimits.aliasFits(alias)) {
                throw new GatewayException(400, "invalid_request_error", "alias_too_long", "The alias is "
                        + alias.length() + " characters long; at most " + NameLimits.KEY_ALIAS + " are accepted.",
                        null);
            }
            if (taken.contains(alias)) {
                throw new GatewayException(409, "invalid_request_error", "duplicate_alias",
                        "The alias '" + alias + "' is taken.", null);
            }
            return alias;
        }
        int n = provider.keys().size() + 1;
        while (taken.contains(provider.name() + "#" + n)) {
            n++;
        }
        return provider.name() + "#" + n;
    }
}
