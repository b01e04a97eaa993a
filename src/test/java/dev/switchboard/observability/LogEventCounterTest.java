package dev.switchboard.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogEventCounterTest {

    private final LoggerContext context = new LoggerContext();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final LogEventCounter counter = new LogEventCounter(context);
    private Logger logger;

    @BeforeEach
    void bind() {
        context.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
        logger = context.getLogger("dev.switchboard.somewhere");
        counter.bindTo(registry);
    }

    @AfterEach
    void close() {
        counter.close();
        context.stop();
    }

    @Test
    void countsTheEventsLoggedByLevelAndNotTheOnesBelowTheEffectiveLevel() {
        logger.warn("one");
        logger.warn("two");
        logger.info("three");
        logger.error("four");
        logger.debug("not enabled");

        assertThat(events("warn")).isEqualTo(2);
        assertThat(events("info")).isEqualTo(1);
        assertThat(events("error")).isEqualTo(1);
        assertThat(events("debug")).isZero();
        assertThat(events("trace")).isZero();
    }

    @Test
    void leavesLevelChecksWithoutATurboFilter() {
        assertThat(context.getTurboFilterList()).isEmpty();
        assertThat(logger.isDebugEnabled()).isFalse();
    }

    @Test
    void keepsCountingAfterTheLoggingConfigurationIsReset() {
        context.reset();
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);

        logger.warn("after the reset");

        assertThat(events("warn")).isEqualTo(1);
    }

    @Test
    void readingTheMetersAttachesItAgainAfterTheLoggingContextWasStopped() {
        context.stop(); // what Spring Boot does when a second application context configures logging again
        context.reset();
        context.start();
        logger.warn("not counted: nothing listens between the stop and the next reading of the meters");

        assertThat(events("warn")).isZero();
        logger.warn("counted");

        assertThat(events("warn")).isEqualTo(1);
    }

    @Test
    void stopsCountingWhenClosed() {
        counter.close();

        logger.warn("after close");

        assertThat(counter.count(Level.WARN)).isZero();
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
    }

    @Test
    void aSecondCounterOnTheSameLoggingCountsTooAndOutlivesTheFirst() {
        SimpleMeterRegistry otherRegistry = new SimpleMeterRegistry();
        LogEventCounter other = new LogEventCounter(context);
        other.bindTo(otherRegistry);

        logger.warn("both count it");
        counter.close();
        logger.warn("only the second counts it");

        assertThat(other.count(Level.WARN)).isEqualTo(2);
        assertThat(counter.count(Level.WARN)).isEqualTo(1);
        other.close();
    }

    private double events(String level) {
        return registry.get("logback.events").tag("level", level).functionCounter().count();
    }
}
