package dev.switchboard.keys;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.providers.UpstreamFailures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Checks keys with each provider's cheap call (usually the models list): at startup before keys join the
 * pool, in the background every {@code health-check-interval}, and on demand. A key rejected as invalid
 * or out of quota is kept out; a passing check brings back invalid or failure-cooled keys. A check that
 * fails for another reason (network, 5xx) changes nothing: it says nothing about the key.
 */
public final class KeyHealthChecker {

    private static final Logger log = LoggerFactory.getLogger(KeyHealthChecker.class);
    private static final int CONCURRENCY = 16;

    /** The outcome of one key's check. */
    public record Result(String provider, String alias, boolean passed, String outcome, String status) {
    }

    private final ProviderRegistry registry;
    private final ProviderClients clients;
    private final KeyHealth health;
    private final Duration perKeyTimeout;

    public KeyHealthChecker(ProviderRegistry registry, ProviderClients clients, KeyHealth health, Duration perKeyTimeout) {
        this.registry = registry;
        this.clients = clients;
        this.health = health;
        this.perKeyTimeout = perKeyTimeout;
    }

    /** Reports malformed keys and keeps them out (no network). */
    public void checkFormats() {
        for (Provider provider : registry.all()) {
            for (ApiKey key : provider.keys().keys()) {
                KeyFormat.problem(provider, key).ifPresent(problem -> {
                    log.warn("Key {} of {} is malformed and will not be used: {}", key.alias(), provider.name(), problem);
                    health.malformed(provider, key, "malformed: " + problem);
                });
            }
        }
    }

    /** Checks every enabled key of every enabled provider, all at once (bounded concurrency). */
    public Flux<Result> checkAll() {
        List<Mono<Result>> checks = new ArrayList<>();
        for (Provider provider : registry.all()) {
            if (provider.enabled()) {
                for (ApiKey key : provider.keys().keys()) {
                    if (key.enabled() && health.status(provider, key) != KeyStatus.DISABLED
                            && KeyFormat.problem(provider, key).isEmpty()) {
                        checks.add(check(provider, key));
                    }
                }
            }
        }
        return Flux.fromIterable(checks).flatMap(check -> check, CONCURRENCY);
    }

    /** Checks one key and applies the outcome to its health. */
    public Mono<Result> check(Provider provider, ApiKey key) {
        return clients.onDemand(provider, key).checkKey()
                .timeout(perKeyTimeout, Mono.error(() -> UpstreamException.of(ErrorClass.TIMEOUT, "key check timed out")))
                .then(Mono.fromCallable(() -> {
                    health.checkPassed(provider, key);
                    return result(provider, key, true, "ok");
                }))
                .onErrorResume(error -> Mono.fromCallable(() -> {
                    UpstreamException failure = UpstreamFailures.classify(error);
                    if (failure.errorClass() == ErrorClass.INVALID_KEY || failure.errorClass() == ErrorClass.QUOTA_EXCEEDED) {
                        health.failed(provider, key, failure);
                    } else {
                        log.info("Check of key {} of {} inconclusive ({}): left as it is", key.alias(), provider.name(),
                                failure.errorClass().code());
                    }
                    return result(provider, key, false, failure.errorClass().code());
                }));
    }

    private Result result(Provider provider, ApiKey key, boolean passed, String outcome) {
        return new Result(provider.name(), key.alias(), passed, outcome, health.status(provider, key).code());
    }
}
