package dev.switchboard.providers;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
/**
 * Where routing gets its clients. Path A uses {@link #cached}: one client per (provider, key), built
 * once and reused. Path B uses {@link #onDemand}: a fresh client for the request, not kept. Both kinds
 * come from the same {@link Factory}: they share one connection pool, and the HTTP factory builds the
 * transport underneath (base URL, key header) once per (provider, key), so a fresh client is cheap.
 */
public final class ProviderClients {

    /** Builds a client for one provider and key. */
    @FunctionalInterface
    public interface Factory {
        ProviderClient create(Provider provider, ApiKey key);
    }

    private final Factory factory;
    private final Map<String, ProviderClient> cache = new ConcurrentHashMap<>();

    public ProviderClients(Factory factory) {
        this.factory = factory;
    }

    /** Path A: the cached client of this (provider, key). */
    public ProviderClient cached(Provider provider, ApiKey key) {
        return cache.computeIfAbsent(provider.name() + '\u0000' + key.alias(), id -> factory.create(provider, key));
    }

    /** Path B: a client made for this request only. */
    public ProviderClient onDemand(Provider provider, ApiKey key) {
        return factory.create(provider, key);
    }

    /** Number of cached clients. */
    public int cachedCount() {
        return cache.size();
    }
}
