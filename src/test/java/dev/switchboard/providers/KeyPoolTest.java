package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.RoutingProperties.KeyStrategy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyPoolTest {

    private static ApiKey key(String alias, int priority, boolean enabled) {
        return new ApiKey(alias, "secret-" + alias, priority, 0, enabled);
    }

    private static List<String> aliases(List<ApiKey> keys) {
        return keys.stream().map(ApiKey::alias).toList();
    }

    @Test
    void roundRobinStartsOneKeyFurtherOnEachRequest() {
        KeyPool pool = new KeyPool("p", List.of(key("a", 1, true), key("b", 1, true), key("c", 1, true)),
                KeyStrategy.ROUND_ROBIN, (p, k) -> 0);

        assertThat(aliases(pool.rotation())).containsExactly("a", "b", "c");
        assertThat(aliases(pool.rotation())).containsExactly("b", "c", "a");
        assertThat(aliases(pool.rotation())).containsExactly("c", "a", "b");
        assertThat(aliases(pool.rotation())).containsExactly("a", "b", "c");
    }

    @Test
    void disabledKeysAreNeverOffered() {
        KeyPool pool = new KeyPool("p", List.of(key("a", 1, true), key("b", 1, false), key("c", 1, true)),
                KeyStrategy.ROUND_ROBIN, (p, k) -> 0);

        for (int i = 0; i < 6; i++) {
            assertThat(aliases(pool.rotation())).doesNotContain("b").hasSize(2);
        }
    }

    @Test
    void priorityStrategyOrdersByPriorityThenMostCallsRemaining() {
        Map<String, Long> remaining = Map.of("a", 5L, "b", 50L, "c", 500L, "d", 1L);
        KeyPool pool = new KeyPool("p", List.of(key("a", 2, true), key("b", 1, true), key("c", 2, true), key("d", 1, true)),
                KeyStrategy.PRIORITY, (p, k) -> remaining.get(k.alias()));

        assertThat(aliases(pool.rotation())).containsExactly("b", "d", "c", "a");
        assertThat(aliases(pool.rotation())).containsExactly("b", "d", "c", "a");
    }

    @Test
    void concurrentRequestsShareTheKeysEvenly() throws Exception {
        KeyPool pool = new KeyPool("p", List.of(key("a", 1, true), key("b", 1, true), key("c", 1, true), key("d", 1, true)),
                KeyStrategy.ROUND_ROBIN, (p, k) -> 0);
        Map<String, AtomicInteger> firstChoice = new ConcurrentHashMap<>();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch done = new CountDownLatch(8);
        for (int t = 0; t < 8; t++) {
            threads.execute(() -> {
                for (int i = 0; i < 1000; i++) {
                    firstChoice.computeIfAbsent(pool.rotation().get(0).alias(), a -> new AtomicInteger()).incrementAndGet();
                }
                done.countDown();
            });
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        threads.shutdown();

        assertThat(firstChoice).hasSize(4);
        firstChoice.values().forEach(n -> assertThat(n.get()).isEqualTo(2000));
    }

    @Test
    void keyPrintsAsItsAliasAndMasksItsSecret() {
        ApiKey key = new ApiKey("groq#2", "gsk_1234567890abcdefXYZW", 1, 0, true);

        assertThat(key.toString()).isEqualTo("groq#2");
        assertThat(key.masked()).isEqualTo("gsk_123...XYZW");
        assertThat(new ApiKey("x", "short", 1, 0, true).masked()).isEqualTo("****");
    }
}
