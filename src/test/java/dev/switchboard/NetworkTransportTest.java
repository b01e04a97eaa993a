package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.netty.resources.LoopResources;

class NetworkTransportTest {

    @Test
    void namesNioLoopsAndSaysWhyIoUringWasNotUsed() throws InterruptedException {
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            assertThat(NetworkTransport.of(loops)).isEqualTo("nio");
            assertThat(NetworkTransport.describe(loops)).startsWith("nio (io_uring is ");
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void namesIoUringLoops() throws InterruptedException {
        assumeTrue(IoUring.isAvailable(), "this kernel does not let the process use io_uring");
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
        try {
            assertThat(NetworkTransport.describe(loops)).isEqualTo("io_uring");
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void reactorNettyRunsOnIoUringWhereTheKernelAllowsIt() {
        assumeTrue(IoUring.isAvailable(), "this kernel does not let the process use io_uring");
        LoopResources resources = LoopResources.create("network-transport-test", 1, true);
        try {
            assertThat(NetworkTransport.of(resources.onServer(LoopResources.DEFAULT_NATIVE))).isEqualTo("io_uring");
        } finally {
            resources.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }
}
