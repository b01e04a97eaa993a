package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SendPrefetchTest {

    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty(SendPrefetch.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(SendPrefetch.PROPERTY);
        } else {
            System.setProperty(SendPrefetch.PROPERTY, before);
        }
    }

    @Test
    void defaultsToOneItemAtATime() {
        System.clearProperty(SendPrefetch.PROPERTY);

        assertThat(SendPrefetch.defaultToOne()).isEqualTo("1");
        assertThat(System.getProperty(SendPrefetch.PROPERTY)).isEqualTo("1");
    }

    @Test
    void keepsAPrefetchTheOperatorSet() {
        System.setProperty(SendPrefetch.PROPERTY, "64");

        assertThat(SendPrefetch.defaultToOne()).isEqualTo("64");
        assertThat(System.getProperty(SendPrefetch.PROPERTY)).isEqualTo("64");
    }
}
