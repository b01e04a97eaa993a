package dev.switchboard.providers;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.WriteTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeoutException;
import reactor.netty.channel.AbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * Maps transport-level exceptions onto an {@link UpstreamException} with the right class. Reactor Netty
 * reports connection failures as {@link IOException}s ({@code PrematureCloseException}, a refused or timed-out
 * connect as a {@link ConnectException}, a connection closed before the request went out as an
 * {@link AbortedException}); the body caps fail with an {@link UpstreamException} already.
 */
public final class UpstreamFailures {

    private static final Logger log = LoggerFactory.getLogger(UpstreamFailures.class);

    /** Reactor Netty's pool timeout, by name: Reactor Netty shades the reactor-pool class it throws. */
    private static final String POOL_ACQUIRE_TIMEOUT = "PoolAcquireTimeoutException";

    private UpstreamFailures() {
    }

    public static UpstreamException classify(Throwable error) {
        if (error instanceof UpstreamException upstream) {
            return upstream;
        }
        if (error instanceof TimeoutException && POOL_ACQUIRE_TIMEOUT.equals(error.getClass().getSimpleName())) {
            // the gateway's own queue: every connection to this upstream was busy (HTTP/1.1) or full (HTTP/2)
            return UpstreamException.of(ErrorClass.TIMEOUT, "no upstream connection free in time");
        }
        if (error instanceof TimeoutException || error instanceof ReadTimeoutException
                || error instanceof WriteTimeoutException) {
            return UpstreamException.of(ErrorClass.TIMEOUT, "upstream timed out");
        }
        if (error instanceof ConnectException) {
            return UpstreamException.of(ErrorClass.NETWORK, "connection refused by upstream");
        }
        if (error instanceof JacksonException) {
            return UpstreamException.of(ErrorClass.SERVER_ERROR, "malformed upstream response");
        }
        if (UpstreamTransport.streamNotFreeYet(error)) {
            // the gateway's own pool, after the transport's retries (UpstreamTransport)
            return UpstreamException.of(ErrorClass.NETWORK, "no stream free on the upstream connection");
        }
        if (error instanceof IOException || error instanceof AbortedException
                || error instanceof UnresolvedAddressException) {
            return UpstreamException.of(ErrorClass.NETWORK, "upstream connection failed: "
                    + error.getClass().getSimpleName());
        }
        // none of the above: a fault of the gateway rather than of the upstream, so its stack is worth having
        log.warn("Unclassified failure of an upstream call", error);
        return UpstreamException.of(ErrorClass.SERVER_ERROR, "upstream call failed: " + error.getClass().getSimpleName());
    }
}
