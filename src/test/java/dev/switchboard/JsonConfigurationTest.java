package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.json.JsonMapper;

class JsonConfigurationTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class));

    @Test
    void bootsMapperBorrowsParserBuffersFromAPoolPerThread() {
        context.withUserConfiguration(JsonConfiguration.class).run(beans -> assertThat(
                beans.getBean(JsonMapper.class).tokenStreamFactory()._getRecyclerPool())
                .isInstanceOf(JsonRecyclerPools.ThreadLocalPool.class));
    }

    @Test
    void withoutItJacksonWouldShareOneConcurrentPool() {
        // the default this configuration replaces; if Jackson's default changes, the reason in its javadoc goes too
        context.run(beans -> assertThat(beans.getBean(JsonMapper.class).tokenStreamFactory()._getRecyclerPool())
                .isNotInstanceOf(JsonRecyclerPools.ThreadLocalPool.class));
    }
}
