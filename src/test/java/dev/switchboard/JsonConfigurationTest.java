package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.BufferRecycler;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.json.JsonMapper;

class JsonConfigurationTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class));

    @Test
    void bootsMapperBorrowsParserBuffersFromAPoolPerThread() {
        context.withUserConfiguration(JsonConfiguration.class).run(beans -> assertThat(
                beans.getBean(JsonMapper.class).tokenStreamFactory()._getRecyclerPool())
                .isInstanceOf(JsonConfiguration.ThreadBufferPool.class));
    }

    @Test
    void aThreadGetsItsOwnRecyclerAgainAndAnotherThreadAnother() throws Exception {
        JsonConfiguration.ThreadBufferPool pool = new JsonConfiguration.ThreadBufferPool();
        BufferRecycler mine = pool.acquireAndLinkPooled();
        pool.releasePooled(mine);
        BufferRecycler[] other = new BufferRecycler[1];
        Thread thread = new FastThreadLocalThread(() -> other[0] = pool.acquirePooled());
        thread.start();
        thread.join(5_000);

        assertThat(pool.acquirePooled()).isSameAs(mine);
        assertThat(other[0]).isNotNull().isNotSameAs(mine);
    }

    @Test
    void parsersAndGeneratorsNestedOnOneThreadDoNotShareABuffer() {
        JsonMapper json = JsonMapper.builder(JsonFactory.builder().recyclerPool(new JsonConfiguration.ThreadBufferPool()).build())
                .build();

        try (JsonParser outer = json.createParser("{\"a\":[1,2,3]}")) {
            outer.nextToken();
            assertThat(json.readTree("{\"b\":\"inner\"}").get("b").asString()).isEqualTo("inner");
            assertThat(json.writeValueAsString(Map.of("c", "d"))).isEqualTo("{\"c\":\"d\"}");
            assertThat(outer.nextToken()).isEqualTo(JsonToken.PROPERTY_NAME);
            assertThat(outer.currentName()).isEqualTo("a");
        }
    }

    @Test
    void withoutItJacksonWouldShareOneConcurrentPool() {
        // the default this configuration replaces; if Jackson's default changes, the reason in its javadoc goes too
        context.run(beans -> assertThat(beans.getBean(JsonMapper.class).tokenStreamFactory()._getRecyclerPool())
                .isNotInstanceOf(JsonRecyclerPools.ThreadLocalPool.class));
    }
}
