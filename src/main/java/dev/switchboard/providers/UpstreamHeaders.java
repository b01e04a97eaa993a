package dev.switchboard.providers;

import java.util.Map;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Headers one upstream attempt carries beyond what its adapter sets: the trace context ({@code traceparent})
 * of the attempt's span. Routing puts them into the attempt's Reactor context ({@link #into}); the transport
 * ({@link UpstreamTransport#exchange}) sets them on that one request, the one place the upstream HTTP call
 * learns of tracing. Nothing in the context (tracing off): the request carries only its fixed headers.
 */
public final class UpstreamHeaders {

    private static final Object KEY = UpstreamHeaders.class;

    private UpstreamHeaders() {
    }

    /** {@code context} with these headers for the upstream calls made under it. */
    public static Context into(Context context, Map<String, String> headers) {
        return headers.isEmpty() ? context : context.put(KEY, headers);
    }

    /** The headers put into {@code context}, empty when none. */
    public static Map<String, String> in(ContextView context) {
        return context.getOrDefault(KEY, Map.of());
    }
}
