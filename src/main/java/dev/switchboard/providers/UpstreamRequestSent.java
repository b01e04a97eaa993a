package dev.switchboard.providers;

import org.jspecify.annotations.Nullable;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Tells the one waiting on an upstream attempt that its request is going out: the attempt has its connection
 * (a pooled one, or one just opened) and the request is being written. Routing starts a stream's
 * first-content and idle deadlines then, not when the attempt was subscribed, so that time spent waiting for a
 * connection, which is the gateway's own queue, is not counted against the upstream (and its key). That wait
 * has its own bound, the pool's acquire timeout.
 *
 * <p>Like {@link UpstreamHeaders} it travels in the attempt's Reactor context: the listener is put in by
 * routing ({@link #listen}), and the transport ({@link UpstreamTransport#exchange}) calls it.
 */
public final class UpstreamRequestSent {

    private static final Object KEY = UpstreamRequestSent.class;

    private UpstreamRequestSent() {
    }

    /** Called, on the connection's event loop, when the attempt's request is written; at most once per request. */
    @FunctionalInterface
    public interface Listener {
        void requestSent();
    }

    /** {@code context} with {@code listener} told when an upstream request made under it goes out. */
    public static Context listen(Context context, Listener listener) {
        return context.put(KEY, listener);
    }

    /** Tells the listener in {@code context}, if there is one; a transport calls it as it writes a request. */
    public static void tell(ContextView context) {
        @Nullable Listener listener = context.getOrDefault(KEY, null);
        if (listener != null) {
            listener.requestSent();
        }
    }
}
