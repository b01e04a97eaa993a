package dev.switchboard.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.logging.LogbackMetrics;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Boot's {@code logback.events} counter (tag {@code level}), counted by an appender on the root logger instead of
 * Micrometer's turbo filter.
 *
 * <p>Why: a Logback turbo filter runs on every level check, {@code isDebugEnabled()} included, whether or not
 * anything is logged, and once there is one the check goes through the filter list. Reactor Netty and Spring
 * check their debug level about fifteen times a request, so Micrometer's filter cost 1.3–1.6 % of the event loops
 * at saturation (docs/PERFORMANCE.md) to count events that, on the hot path, never happen. An appender runs only
 * for an event that is logged. The counts are the same for every logger that hands its events to the root (all
 * of them unless one is configured with {@code additivity="false"}).
 *
 * <p>It extends {@link LogbackMetrics} so that Boot's auto-configuration, which backs off when a bean of that type
 * exists, installs no turbo filter beside it.
 */
public final class LogEventCounter extends LogbackMetrics {

    private static final List<Level> LEVELS = List.of(Level.ERROR, Level.WARN, Level.INFO, Level.DEBUG, Level.TRACE);

    private final LoggerContext context;
    private final CountingAppender appender = new CountingAppender();
    private final LoggerContextListener reattach = new Reattach();
    private boolean closed;

    public LogEventCounter(LoggerContext context) {
        super(Tags.empty(), context);
        this.context = context;
        appender.setContext(context);
        appender.setName("switchboard-log-event-counter");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Level level : LEVELS) {
            LongAdder count = appender.count(level);
            FunctionCounter.builder("logback.events", count, c -> {
                        ensureAttached();
                        return c.doubleValue();
                    })
                    .tags("level", level.levelStr.toLowerCase(Locale.ROOT))
                    .description("Number of log events that were enabled by the effective log level")
                    .baseUnit("events")
                    .register(registry);
        }
        ensureAttached();
    }

    /** Events counted so far at {@code level} (what the meter reads). */
    long count(Level level) {
        return appender.count(level).sum();
    }

    @Override
    public synchronized void close() {
        closed = true;
        context.removeListener(reattach);
        root().detachAppender(appender);
        appender.stop();
        super.close();
    }

    /**
     * Started, on the root logger (by instance, not by name: each application context in a JVM has its own
     * counter) and listening for resets. A reset (a configuration reload) stops and detaches every appender: the
     * listener puts it back at once. Stopping the logging context (Spring Boot does when it configures logging
     * again, which a second application context in the same JVM does) also drops the listeners: reading the
     * meters puts both back, so at worst the events between such a restart and the next scrape go uncounted.
     */
    private synchronized void ensureAttached() {
        if (closed) {
            return;
        }
        if (!appender.isStarted()) {
            appender.start();
        }
        if (!root().isAttached(appender)) {
            root().addAppender(appender);
        }
        if (!context.getCopyOfListenerList().contains(reattach)) {
            context.addListener(reattach);
        }
    }

    private Logger root() {
        return context.getLogger(Logger.ROOT_LOGGER_NAME);
    }

    private static final class CountingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

        private final LongAdder error = new LongAdder();
        private final LongAdder warn = new LongAdder();
        private final LongAdder info = new LongAdder();
        private final LongAdder debug = new LongAdder();
        private final LongAdder trace = new LongAdder();

        @Override
        protected void append(ILoggingEvent event) {
            count(event.getLevel()).increment();
        }

        LongAdder count(Level level) {
            return switch (level.toInt()) {
                case Level.ERROR_INT -> error;
                case Level.WARN_INT -> warn;
                case Level.INFO_INT -> info;
                case Level.DEBUG_INT -> debug;
                default -> trace;
            };
        }
    }

    /** A reset of the logging configuration stops and detaches every appender: start the counter and put it back. */
    private final class Reattach implements LoggerContextListener {

        @Override
        public boolean isResetResistant() {
            return true;
        }

        @Override
        public void onReset(LoggerContext resetContext) {
            ensureAttached();
        }

        @Override
        public void onStart(LoggerContext startedContext) {
        }

        @Override
        public void onStop(LoggerContext stoppedContext) {
        }

        @Override
        public void onLevelChange(Logger logger, Level level) {
        }
    }
}
