package dev.switchboard;

import io.netty.util.concurrent.FastThreadLocal;
import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.util.BufferRecycler;
import tools.jackson.core.util.RecyclerPool;

/**
 * Jackson as Spring Boot configures it, with one change: the buffers a parser or generator borrows come from a
 * pool per thread instead of Jackson 3's default, a concurrent deque shared by all threads.
 *
 * <p>Why: every request body, answer and relayed stream chunk creates a parser, and with the shared deque each
 * borrowed and returned its buffers through {@code ConcurrentLinkedDeque} (a node allocated per return): 2.2 % of
 * the event loops' time on a relayed stream (docs/PERFORMANCE.md). The gateway parses on a few platform threads,
 * the event loops above all, which is what a thread-local pool suits; the concern that made Jackson change its
 * default, one pool for each of millions of virtual threads, does not apply (the gateway runs none).
 *
 * <p>The pool is Netty's {@link FastThreadLocal} rather than Jackson's own {@code ThreadLocal} of a soft
 * reference: on an event loop (a {@code FastThreadLocalThread}) it is an index into an array, where the JDK's
 * thread-local map, crowded on those threads, missed its first slot and probed on (0.4 µs a request in the
 * profile). A recycler holds a few buffers of some kilobytes; the threads that parse are few and long-lived.
 */
@Configuration(proxyBeanMethods = false)
public class JsonConfiguration {

    @Bean
    JsonFactoryBuilderCustomizer threadLocalJsonBuffers() {
        return factory -> factory.recyclerPool(new ThreadBufferPool());
    }

    /** One {@link BufferRecycler} a thread; nested parsers on one thread share it, as Jackson's own pool does. */
    static final class ThreadBufferPool extends RecyclerPool.ThreadLocalPoolBase<BufferRecycler> {

        private static final long serialVersionUID = 1L;

        private static final FastThreadLocal<BufferRecycler> RECYCLERS = new FastThreadLocal<>() {
            @Override
            protected BufferRecycler initialValue() {
                return new BufferRecycler();
            }
        };

        @Override
        public BufferRecycler acquirePooled() {
            return RECYCLERS.get();
        }
    }
}
