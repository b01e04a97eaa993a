package dev.switchboard;

/**
 * One Reactor Netty event loop per core, unless {@code -Dreactor.netty.ioWorkerCount} says otherwise.
 *
 * <p>Reactor Netty's default is {@code max(cores, 4)}: on a 2-core machine four event loops share two
 * cores, and a request and its upstream call more often land on loops that must wake each other. Nothing
 * here blocks an event loop (BlockHound fails the build if it does), so one loop per core is enough; on
 * the 2-core benchmark machine it took about 5 % off the CPU per proxied request and 0.05 to 0.1 ms off
 * the median latency at 500 req/s ({@code docs/PERFORMANCE.md}). Machines with 4 cores or more are
 * unaffected. It has to be set before the first Reactor Netty class reads it, hence a system property
 * set first thing in {@code main}, not a Spring property.
 */
public final class EventLoopThreads {

    public static final String PROPERTY = "reactor.netty.ioWorkerCount";

    private EventLoopThreads() {
    }

    /** Sets {@value #PROPERTY} to the number of cores unless it is set already; returns the value in force. */
    public static String defaultToOnePerCore() {
        return setUnlessSet(PROPERTY, Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors())));
    }

    /** Sets a system property unless it is set already (not blank); returns the value in force. */
    static String setUnlessSet(String property, String value) {
        String configured = System.getProperty(property);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        System.setProperty(property, value);
        return value;
    }
}
