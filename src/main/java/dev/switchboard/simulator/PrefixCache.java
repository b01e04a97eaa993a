package dev.switchboard.simulator;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulator's model of a provider's prompt cache, one per API key (providers cache per account or
 * key): a prompt's text is cut into blocks of {@value #BLOCK} characters, and from {@value #MIN_CHARS}
 * characters on (about 1,024 tokens, OpenAI's threshold) the hash of every prefix that ends on a block
 * boundary is remembered for {@value #TTL_MILLIS} ms. A later call with the same key whose prompt starts with
 * a remembered prefix reads the longest one "from the cache": its tokens are reported as cached and its first
 * token comes sooner. Bounded: at most {@value #ENTRIES} prefixes per key, the least recently used go first.
 */
final class PrefixCache {

    static final int BLOCK = 512;
    static final int MIN_CHARS = 4096;
    static final long TTL_MILLIS = 300_000;
    static final int ENTRIES = 4096;

    private final Clock clock;
    private final Map<String, Map<Long, Long>> byKey = new ConcurrentHashMap<>();

    PrefixCache(Clock clock) {
        this.clock = clock;
    }

    /** Characters of the prompt read from this key's cache (0 when none), remembering the prompt's prefixes. */
    int read(String key, String prompt) {
        if (prompt.length() < MIN_CHARS) {
            return 0;
        }
        long now = clock.millis();
        Map<Long, Long> seen = byKey.computeIfAbsent(key, k -> new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
                return size() > ENTRIES;
            }
        });
        int cached = 0;
        long h = 0xcbf29ce484222325L;
        synchronized (seen) {
            for (int i = 0; i < prompt.length(); i++) {
                h ^= prompt.charAt(i);
                h *= 0x100000001b3L;
                int length = i + 1;
                if (length % BLOCK == 0 && length >= MIN_CHARS) {
                    Long at = seen.put(h, now);
                    if (at != null && now - at <= TTL_MILLIS) {
                        cached = length;
                    }
                }
            }
        }
        return cached;
    }
}
