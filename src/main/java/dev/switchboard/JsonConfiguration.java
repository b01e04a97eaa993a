package dev.switchboard;

import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.util.JsonRecyclerPools;

/**
 * Jackson as Spring Boot configures it, with one change: the buffers a parser or generator borrows come from a
 * pool per thread instead of Jackson 3's default, a concurrent deque shared by all threads.
 *
 * <p>Why: every request body, answer and relayed stream chunk creates a parser, and with the shared deque each
 * borrowed and returned its buffers through {@code ConcurrentLinkedDeque} (a node allocated per return): 2.2 % of
 * the event loops' time on a relayed stream (docs/PERFORMANCE.md). The gateway parses on a few platform threads,
 * the event loops above all, which is what a thread-local pool suits; the concern that made Jackson change its
 * default, one pool for each of millions of virtual threads, does not apply (the gateway runs none).
 */
@Configuration(proxyBeanMethods = false)
public class JsonConfiguration {

    @Bean
    JsonFactoryBuilderCustomizer threadLocalJsonBuffers() {
        return factory -> factory.recyclerPool(JsonRecyclerPools.threadLocalPool());
    }
}
