package dev.switchboard.providers;

import org.jspecify.annotations.Nullable;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Tells the one waiting on an upstream attempt how far its request got: it is waiting for a connection (the
 * call was made, and every connection to the upstream may be busy or full), then it has one and the request
 * is being written. Routing keeps a stream's first-content and idle deadlines for the time after the request
 * went out: the wait for a connection is the gateway's own queue, not the upstream's slowness, and is bounded
 * by the request's deadline alone. Charged to the upstream, it had attempts time out in the queue, fall back
 * and queue again at its end, or time out in bulk soon after their requests went out, each such timeout
 * resetting an upstream stream (docs/PERFORMANCE.md).
 *
 * <p>Like {@link UpstreamHeaders} it travels in the attempt's Reactor context: the listener is put in by
 * routing ({@link #listen}), and a transport ({@link UpstreamTransport#exchange}) tells it.
 */
public final class RequestProgress {

    private static final Object KEY = RequestProgress.class;

    private RequestProgress() {
    }

    /** What the transport tells, on whatever thread it is on; each at most once per request, in this order. */
    public interface Listener {

        /** The call is made and waits for a connection. */
        void connecting();

        /** The call has its connection and the request is being written. */
        void sent();
    }

    /** {@code context} with {@code listener} told how an upstream request made under it gets on. */
    public static Context listen(Context context, Listener listener) {
        return context.put(KEY, listener);
    }

    /** Tells the listener in {@code context}, if any, that the request waits for a connection. */
    public static void connecting(ContextView context) {
        @Nullable Listener listener = context.getOrDefault(KEY, null);
        if (listener != null) {
            listener.connecting();
        }
    }

    /** Tells the listener in {@code context}, if any, that the request is being written. */
    public static void sent(ContextView context) {
        @Nullable Listener listener = context.getOrDefault(KEY, null);
        if (listener != null) {
            listener.sent();
        }
    }
}
