package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.CacheDirective;
import dev.switchboard.chat.CacheStatus;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.Choice;
import dev.switchboard.chat.ResponseFormat;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.Tool;
import dev.switchboard.chat.ToolCall;
import dev.switchboard.chat.Usage;
import dev.switchboard.config.CacheProperties;
import dev.switchboard.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

class ResponseCacheTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final CacheDirective ASK_FOR_A_MINUTE = CacheDirective.fromCacheControl("max-age=60");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static CacheProperties properties(Map<String, Duration> surfaces, Map<String, Duration> tasks,
            Map<String, String> namespaces, int maxEntries, DataSize maxBytes) {
        return new CacheProperties(true, maxEntries, maxBytes, DataSize.ofMegabytes(1), false, Duration.ofMinutes(1),
                Duration.ofHours(24), surfaces, tasks, namespaces);
    }

    private static CacheProperties defaults() {
        return properties(Map.of(), Map.of(), Map.of(), 10_000, DataSize.ofMegabytes(64));
    }

    private ResponseCache cache(CacheProperties properties) {
        return new ResponseCache(properties, JSON, null, clock, registry);
    }

    private static ChatCommand command(Surface surface, UnaryOperator<ChatCommand.Builder> more) {
        return more.apply(ChatCommand.builder("req", surface, List.of(new ChatMessage("user", "What is 2+2?")))
                .client("alice")).build();
    }

    private static CachedAnswer answer(String text) {
        return new CachedAnswer(new RouteInfo("alpha", "alpha#1", "alpha-1", RoutePath.DEFAULT),
                List.of(Choice.text(text, "stop")), Usage.reported(12, 3), 0);
    }

    private static String key(ResponseCache cache, ChatCommand command) {
        return cache.lookup(command, RoutePath.DEFAULT).key();
    }

    @Test
    void chatSurfacesAreNotCachedByDefaultUnlessTheRequestAsksWithMaxAge() {
        ResponseCache cache = cache(defaults());

        for (Surface surface : new Surface[] {Surface.SYNC, Surface.SSE, Surface.WEBSOCKET, Surface.OPENAI,
                Surface.ANTHROPIC}) {
            CacheLookup plain = cache.lookup(command(surface, b -> b), RoutePath.DEFAULT);
            assertThat(plain.involved()).isFalse();
            assertThat(plain.status()).as("no header when the cache plays no part").isEqualTo(CacheStatus.NONE);

            CacheLookup asked = cache.lookup(command(surface, b -> b.cache(ASK_FOR_A_MINUTE)), RoutePath.DEFAULT);
            assertThat(asked.involved()).isTrue();
            assertThat(asked.ttl()).isEqualTo(Duration.ofMinutes(1));
            assertThat(asked.status()).isEqualTo(CacheStatus.MISS);
        }
        assertThat(cache.lookup(command(Surface.SYNC, b -> b.cache(CacheDirective.fromCacheControl("max-age=999999"))),
                RoutePath.DEFAULT).ttl()).as("capped by max-ttl").isEqualTo(Duration.ofHours(24));
    }

    @Test
    void tasksAreCachedForTheirTtlOnlyAtTemperatureZero() {
        ResponseCache cache = cache(properties(Map.of(), Map.of(), Map.of(), 100, DataSize.ofMegabytes(1)));

        assertThat(cache.lookup(command(Surface.TASK, b -> b.temperature(0.0)), RoutePath.DEFAULT).ttl())
                .isEqualTo(CacheProperties.DEFAULT_TASK_TTL);
        assertThat(cache.lookup(command(Surface.TASK, b -> b.temperature(0.7)), RoutePath.DEFAULT).involved()).isFalse();
        assertThat(cache.lookup(command(Surface.TASK, b -> b), RoutePath.DEFAULT).involved())
                .as("no temperature: the provider's default, not 0").isFalse();
        assertThat(cache.lookup(command(Surface.TASK, b -> b.temperature(0.0)
                        .cache(CacheDirective.DEFAULT.withOperatorTtl(Duration.ofHours(6)))), RoutePath.DEFAULT).ttl())
                .as("the task type's own ttl").isEqualTo(Duration.ofHours(6));
        assertThat(new CacheProperties(true, 1, DataSize.ofKilobytes(1), DataSize.ofKilobytes(1), false,
                Duration.ofMinutes(1), Duration.ofHours(1), Map.of(), Map.of("resume_parsing", Duration.ofDays(1)),
                Map.of()).taskTtl("resume_parsing")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void noStoreTurnsTheCacheOffAndNoCacheStoresWithoutReading() {
        ResponseCache cache = cache(defaults());
        ChatCommand asked = command(Surface.SYNC, b -> b.cache(ASK_FOR_A_MINUTE));
        cache.store(cache.lookup(asked, RoutePath.DEFAULT), answer("4"));

        CacheLookup noStore = cache.lookup(command(Surface.SYNC, b -> b.cache(CacheDirective.fromCacheControl(
                "max-age=60, no-store"))), RoutePath.DEFAULT);
        assertThat(noStore.status()).isEqualTo(CacheStatus.BYPASS);
        assertThat(noStore.involved()).isFalse();

        CacheLookup noCache = cache.lookup(command(Surface.SYNC, b -> b.cache(CacheDirective.fromCacheControl(
                "no-cache, max-age=60"))), RoutePath.DEFAULT);
        assertThat(noCache.status()).isEqualTo(CacheStatus.BYPASS);
        assertThat(cache.find(noCache).blockOptional(WAIT)).as("not read").isEmpty();
        cache.store(noCache, answer("four"));
        assertThat(cache.find(cache.lookup(asked, RoutePath.DEFAULT)).block(WAIT).choices().get(0).content())
                .as("but the fresh answer is stored").isEqualTo("four");

        CacheLookup bodyOff = cache.lookup(command(Surface.SYNC, b -> b.cache(ASK_FOR_A_MINUTE.orOff(false))),
                RoutePath.DEFAULT);
        assertThat(bodyOff.status()).isEqualTo(CacheStatus.BYPASS);
    }

    @Test
    void oneClientNeverGetsAnotherClientsAnswerUnlessAnOperatorSharesANamespace() {
        ResponseCache cache = cache(properties(Map.of("sync", Duration.ofMinutes(5)), Map.of(),
                Map.of("carol", "team-x", "dave", "team-x"), 100, DataSize.ofMegabytes(1)));
        ChatCommand alices = command(Surface.SYNC, b -> b.client("alice"));
        cache.store(cache.lookup(alices, RoutePath.DEFAULT), answer("alice's"));

        assertThat(cache.find(cache.lookup(command(Surface.SYNC, b -> b.client("bob")), RoutePath.DEFAULT))
                .blockOptional(WAIT)).isEmpty();
        assertThat(cache.find(cache.lookup(alices, RoutePath.DEFAULT)).blockOptional(WAIT)).isPresent();

        cache.store(cache.lookup(command(Surface.SYNC, b -> b.client("carol")), RoutePath.DEFAULT), answer("team's"));
        assertThat(cache.find(cache.lookup(command(Surface.SYNC, b -> b.client("dave")), RoutePath.DEFAULT))
                .block(WAIT).choices().get(0).content()).isEqualTo("team's");
    }

    @Test
    void everythingThatShapesTheAnswerIsPartOfTheKey() {
        ResponseCache cache = cache(properties(Map.of("sync", Duration.ofMinutes(5)), Map.of(), Map.of(), 100,
                DataSize.ofMegabytes(1)));
        String base = key(cache, command(Surface.SYNC, b -> b));

        assertThat(key(cache, command(Surface.SYNC, b -> b))).isEqualTo(base);
        assertThat(key(cache, ChatCommand.builder("another-id", Surface.SYNC,
                List.of(new ChatMessage("user", "What is 2+2?"))).client("alice").build()))
                .as("the request id is not").isEqualTo(base);
        for (UnaryOperator<ChatCommand.Builder> change : List.<UnaryOperator<ChatCommand.Builder>>of(
                b -> b.temperature(0.2), b -> b.maxTokens(10), b -> b.model("alpha-2").provider("alpha"),
                b -> b.responseFormat(ResponseFormat.JSON_OBJECT),
                b -> b.tools(List.of(new Tool("get_weather", "Weather", JSON.readTree("{\"type\":\"object\"}"), null))),
                b -> b.preferredProvider("beta"), b -> b.fallback(false))) {
            assertThat(key(cache, command(Surface.SYNC, change))).isNotEqualTo(base);
        }
        assertThat(cache.lookup(command(Surface.SYNC, b -> b), RoutePath.MODEL).key()).isNotEqualTo(base);
    }

    @Test
    void anAnswerExpiresWhenItsTimeToLiveEnds() {
        ResponseCache cache = cache(defaults());
        CacheLookup lookup = cache.lookup(command(Surface.SYNC, b -> b.cache(ASK_FOR_A_MINUTE)), RoutePath.DEFAULT);
        cache.store(lookup, answer("4"));

        clock.advance(Duration.ofSeconds(59));
        assertThat(cache.find(lookup).blockOptional(WAIT)).isPresent();
        clock.advance(Duration.ofSeconds(2));
        assertThat(cache.find(lookup).blockOptional(WAIT)).isEmpty();
        cache.sweep().block(WAIT);
        assertThat(registry.get("switchboard.cache.entries").gauge().value()).isZero();
        assertThat(registry.get("switchboard.cache.requests").tag("result", "miss").counter().count()).isEqualTo(1);
        assertThat(registry.get("switchboard.cache.requests").tag("result", "hit").tag("tier", "local").counter()
                .count()).isEqualTo(1);
    }

    @Test
    void answersWithToolCallsOrWithoutAnEndAreNeverStored() {
        ResponseCache cache = cache(defaults());
        CacheLookup lookup = cache.lookup(command(Surface.SYNC, b -> b.cache(ASK_FOR_A_MINUTE)), RoutePath.DEFAULT);
        RouteInfo route = new RouteInfo("alpha", "alpha#1", "alpha-1", RoutePath.DEFAULT);

        cache.store(lookup, new CachedAnswer(route, List.of(new Choice(0, "", List.of(new ToolCall("call_1",
                "get_weather", "{}")), null, null, "tool_calls")), Usage.reported(1, 1), 0));
        cache.store(lookup, new CachedAnswer(route, List.of(Choice.text("half an", "")), Usage.reported(1, 1), 0));

        assertThat(cache.find(lookup).blockOptional(WAIT)).isEmpty();
        assertThat(registry.get("switchboard.cache.stores").counter().count()).isZero();
    }

    @Test
    void theInProcessTierIsBoundedByEntriesAndByBytes() {
        ResponseCache byEntries = cache(properties(Map.of("sync", Duration.ofHours(1)), Map.of(), Map.of(), 3,
                DataSize.ofMegabytes(1)));
        for (int i = 0; i < 10; i++) {
            int n = i;
            byEntries.store(byEntries.lookup(command(Surface.SYNC, b -> b.maxTokens(100 + n)), RoutePath.DEFAULT),
                    answer("answer " + n));
        }
        assertThat(registry.get("switchboard.cache.entries").gauge().value()).isLessThanOrEqualTo(3);
        assertThat(registry.get("switchboard.cache.evictions").functionCounter().count()).isGreaterThanOrEqualTo(7);

        SimpleMeterRegistry other = new SimpleMeterRegistry();
        ResponseCache byBytes = new ResponseCache(properties(Map.of("sync", Duration.ofHours(1)), Map.of(), Map.of(),
                1000, DataSize.ofKilobytes(8)), JSON, null, clock, other);
        for (int i = 0; i < 10; i++) {
            int n = i;
            byBytes.store(byBytes.lookup(command(Surface.SYNC, b -> b.maxTokens(100 + n)), RoutePath.DEFAULT),
                    answer("x".repeat(1500)));
        }
        assertThat(other.get("switchboard.cache.bytes").gauge().value()).isLessThanOrEqualTo(8 * 1024);
        assertThat(other.get("switchboard.cache.entries").gauge().value()).isBetween(1.0, 3.0);
    }
}
