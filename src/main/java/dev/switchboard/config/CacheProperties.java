package dev.switchboard.config;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The response cache: exact-match answers, per client, in two tiers (in process, and optionally shared in
 * PostgreSQL by every instance).
 *
 * @param enabled false turns the cache off everywhere (requests are answered as if it did not exist)
 * @param maxEntries most answers kept in process
 * @param maxBytes most bytes of answers kept in process (the in-process tier holds at most {@code maxEntries}
 *     and at most {@code maxBytes}, the least recently used going first)
 * @param maxEntryBytes a bigger answer is not cached
 * @param shared also keep answers in PostgreSQL, so every instance finds what one stored
 * @param sweepInterval how often expired answers are deleted from PostgreSQL
 * @param maxTtl the longest a request's own {@code Cache-Control: max-age} may keep an answer
 * @param surfaces time to live per surface ({@code sync}, {@code sse}, {@code websocket}, {@code openai},
 *     {@code anthropic}, {@code task}); a surface not named caches only requests that ask with
 *     {@code max-age}, except {@code task}, which caches for {@link #DEFAULT_TASK_TTL}
 * @param tasks time to live per task type, over the {@code task} surface's; tasks are cached only when
 *     their temperature is 0 (the same input then gives the same answer)
 * @param namespaces client id → a namespace shared with other clients; a client not named has its own
 */
@ConfigurationProperties("switchboard.cache")
public record CacheProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("10000") int maxEntries,
        @DefaultValue("64MB") DataSize maxBytes,
        @DefaultValue("1MB") DataSize maxEntryBytes,
        @DefaultValue("false") boolean shared,
        @DefaultValue("1m") Duration sweepInterval,
        @DefaultValue("24h") Duration maxTtl,
        @Nullable Map<String, Duration> surfaces,
        @Nullable Map<String, Duration> tasks,
        @Nullable Map<String, String> namespaces) {

    /** How long a task's answer is kept when nothing else is configured (seed 001: "cache with a TTL"). */
    public static final Duration DEFAULT_TASK_TTL = Duration.ofHours(1);

    public CacheProperties {
        surfaces = surfaces == null ? Map.of() : Map.copyOf(surfaces);
        tasks = tasks == null ? Map.of() : Map.copyOf(tasks);
        namespaces = namespaces == null ? Map.of() : Map.copyOf(namespaces);
        if (maxEntries < 1 || maxBytes.toBytes() < 1 || maxEntryBytes.toBytes() < 1) {
            throw new IllegalArgumentException("switchboard.cache.max-entries, max-bytes and max-entry-bytes must be "
                    + "positive");
        }
        if (sweepInterval.toMillis() < 10 || maxTtl.isNegative()) {
            throw new IllegalArgumentException("switchboard.cache.sweep-interval must be at least 10ms and max-ttl "
                    + "not negative");
        }
        for (Map.Entry<String, Duration> surface : surfaces.entrySet()) {
            if (!Set.of("sync", "sse", "websocket", "openai", "anthropic", "task").contains(surface.getKey())
                    || surface.getValue().isNegative()) {
                throw new IllegalArgumentException("switchboard.cache.surfaces." + surface.getKey() + ": surfaces "
                        + "are sync, sse, websocket, openai, anthropic and task, each with a time to live >= 0");
            }
        }
    }

    /** The operator's time to live for a surface (zero: not cached unless a request asks). */
    public Duration surfaceTtl(String surface) {
        Duration ttl = surfaces.get(surface);
        if (ttl != null) {
            return ttl;
        }
        return "task".equals(surface) ? DEFAULT_TASK_TTL : Duration.ZERO;
    }

    /** A task type's time to live: its own, else the {@code task} surface's. */
    public Duration taskTtl(String taskType) {
        Duration ttl = tasks.get(taskType);
        return ttl != null ? ttl : surfaceTtl("task");
    }

    /** The namespace a client's answers are kept in. */
    public String namespace(String clientId) {
        String shared = namespaces.get(clientId);
        return shared != null ? shared : "client:" + clientId;
    }
}
