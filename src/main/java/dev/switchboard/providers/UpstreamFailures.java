package dev.switchboard.providers;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.WriteTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.springframework.core.codec.CodecException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import tools.jackson.core.JacksonException;

/** Maps transport-level exceptions onto an {@link UpstreamException} with the right class. */
public final class UpstreamFailures {

    private UpstreamFailures() {
    }

    public static UpstreamException classify(Throwable error) {
        if (error instanceof UpstreamException upstream) {
            return upstream;
        }
        Throwable cause = error instanceof WebClientRequestException && error.getCause() != null
                ? error.getCause() : error;
        if (cause instanceof TimeoutException || cause instanceof ReadTimeoutException
                || cause instanceof WriteTimeoutException) {
            return UpstreamException.of(ErrorClass.TIMEOUT, "upstream timed out");
        }
        if (cause instanceof ConnectException) {
            return UpstreamException.of(ErrorClass.NETWORK, "connection refused by upstream");
        }
        if (cause instanceof DataBufferLimitException) {
            return UpstreamException.of(ErrorClass.SERVER_ERROR, "upstream response exceeds the size limit");
        }
        if (cause instanceof JacksonException || cause instanceof CodecException) {
            return UpstreamException.of(ErrorClass.SERVER_ERROR, "malformed upstream response");
        }
        if (cause instanceof IOException || error instanceof WebClientRequestException) {
            return UpstreamException.of(ErrorClass.NETWORK, "upstream connection failed: "
                    + cause.getClass().getSimpleName());
        }
        return UpstreamException.of(ErrorClass.SERVER_ERROR, "upstream call failed: " + cause.getClass().getSimpleName());
    }
}
