package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquireTimeoutException;

/** Transport failures get the error class the router acts on, and a message that tells them apart. */
class UpstreamFailuresTest {

    @Test
    void aWaitForAFreeConnectionThatRanOutIsATimeoutThatSaysSo() {
        UpstreamException failure = UpstreamFailures.classify(new PoolAcquireTimeoutException(Duration.ofSeconds(10)));

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.TIMEOUT);
        assertThat(failure).hasMessage("no upstream connection free in time");
    }

    @Test
    void aReadTimeoutIsATimeoutOfTheUpstream() {
        UpstreamException failure = UpstreamFailures.classify(ReadTimeoutException.INSTANCE);

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.TIMEOUT);
        assertThat(failure).hasMessage("upstream timed out");
    }

    @Test
    void refusedAndBrokenConnectionsAreNetworkFailures() {
        assertThat(UpstreamFailures.classify(new ConnectException("refused")).errorClass()).isEqualTo(ErrorClass.NETWORK);
        assertThat(UpstreamFailures.classify(PrematureCloseException.TEST_EXCEPTION).errorClass())
                .isEqualTo(ErrorClass.NETWORK);
    }

    @Test
    void aConnectionWithNoStreamFreeIsANetworkFailureThatSaysSo() {
        // Reactor Netty's HTTP/2 pool, when the connection it handed out could not open a stream (twice)
        UpstreamException failure = UpstreamFailures.classify(new IOException(
                "Error while acquiring from reactor.netty.http.client.Http2Pool@6c4c61d. Max active streams is reached."));

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.NETWORK);
        assertThat(failure).hasMessage("no stream free on the upstream connection");
        assertThat(UpstreamFailures.classify(new IOException("Broken pipe")))
                .hasMessage("upstream connection failed: IOException");
    }

    @Test
    void anUpstreamExceptionIsKeptAsItIs() {
        UpstreamException own = UpstreamException.of(ErrorClass.RATE_LIMITED, "slow down");

        assertThat(UpstreamFailures.classify(own)).isSameAs(own);
    }
}
