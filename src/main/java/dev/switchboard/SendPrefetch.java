package dev.switchboard;

/**
 * Reactor Netty asks a response body for 16 items ahead instead of 128, unless
 * {@code -Dreactor.netty.send.maxPrefetchSize} says otherwise.
 *
 * <p>Every body Reactor Netty writes (a streamed answer for its whole life) gets a queue as large as that
 * prefetch: at 128 slots, 528 bytes of array per open stream. The gateway's bodies are produced as the
 * upstream's chunks arrive, one at a time, so a deep prefetch never fills; 16 is ample, and a queue of 16
 * costs 80 bytes. Like {@link EventLoopThreads} it must be set before the first Reactor Netty class reads it,
 * hence a system property set first thing in {@code main}.
 */
public final class SendPrefetch {

    public static final String PROPERTY = "reactor.netty.send.maxPrefetchSize";
    static final String DEFAULT = "16";

    private SendPrefetch() {
    }

    /** Sets {@value #PROPERTY} to {@value #DEFAULT} unless it is set already; returns the value in force. */
    public static String defaultToSixteen() {
        return EventLoopThreads.setUnlessSet(PROPERTY, DEFAULT);
    }
}
