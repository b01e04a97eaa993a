package dev.switchboard;

/**
 * Reactor Netty asks a response body for one item at a time instead of 128 ahead, unless
 * {@code -Dreactor.netty.send.maxPrefetchSize} says otherwise.
 *
 * <p>Every body Reactor Netty writes (a streamed answer for its whole life) gets a queue as large as that
 * prefetch. The gateway's bodies are produced as the upstream's chunks arrive, one at a time, so a deeper
 * prefetch never fills. With 1 the queue is Reactor's one-slot queue; with any larger value it is a
 * {@code SpscArrayQueue} of at least 8 slots, whose cache-line padding alone is 432 bytes per open stream
 * (docs/PERFORMANCE.md). Like {@link EventLoopThreads} it must be set before the first Reactor Netty class reads
 * it, hence a system property set first thing in {@code main}.
 */
public final class SendPrefetch {

    public static final String PROPERTY = "reactor.netty.send.maxPrefetchSize";
    static final String DEFAULT = "1";

    private SendPrefetch() {
    }

    /** Sets {@value #PROPERTY} to {@value #DEFAULT} unless it is set already; returns the value in force. */
    public static String defaultToOne() {
        return EventLoopThreads.setUnlessSet(PROPERTY, DEFAULT);
    }
}
