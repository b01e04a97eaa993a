package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventLoopThreadsTest {

    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty(EventLoopThreads.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(EventLoopThreads.PROPERTY);
        } else {
            System.setProperty(EventLoopThreads.PROPERTY, before);
        }
    }

    @Test
    void defaultsToOneEventLoopPerCore() {
        System.clearProperty(EventLoopThreads.PROPERTY);

        String value = EventLoopThreads.defaultToOnePerCore();

        String cores = Integer.toString(Runtime.getRuntime().availableProcessors());
        assertThat(value).isEqualTo(cores);
        assertThat(System.getProperty(EventLoopThreads.PROPERTY)).isEqualTo(cores);
    }

    @Test
    void keepsACountTheOperatorSet() {
        System.setProperty(EventLoopThreads.PROPERTY, "7");

        assertThat(EventLoopThreads.defaultToOnePerCore()).isEqualTo("7");
        assertThat(System.getProperty(EventLoopThreads.PROPERTY)).isEqualTo("7");
    }
}
