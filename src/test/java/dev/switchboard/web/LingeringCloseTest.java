package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A server that writes a last message and closes, with {@link LingeringClose} first in its pipeline, and a
 * plain socket as the client: what the client can still do and read after the server's close.
 */
class LingeringCloseTest {

    private static final EventLoopGroup LOOPS = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private static final Duration LINGER = Duration.ofMillis(300);

    private final CompletableFuture<Channel> accepted = new CompletableFuture<>();

    @AfterAll
    static void stopLoops() {
        LOOPS.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void aClientStillSendingAfterTheCloseReadsTheLastMessageAndTheEnd() throws Exception {
        try (Socket client = connect()) {
            client.getOutputStream().write("late".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(50);
            client.getOutputStream().write("later".getBytes(StandardCharsets.US_ASCII));

            assertThat(readToEnd(client.getInputStream())).isEqualTo("bye");
        }
    }

    @Test
    void theConnectionClosesAsSoonAsTheClientClosesItsSide() throws Exception {
        try (Socket client = connect()) {
            assertThat(readToEnd(client.getInputStream())).isEqualTo("bye");
            client.shutdownOutput();

            assertThat(accepted.get(5, TimeUnit.SECONDS).closeFuture().await(LINGER.toMillis() / 2)).isTrue();
        }
    }

    @Test
    void aClientThatNeverClosesIsClosedAfterTheLinger() throws Exception {
        try (Socket client = connect()) {
            assertThat(readToEnd(client.getInputStream())).isEqualTo("bye");
            Channel server = accepted.get(5, TimeUnit.SECONDS);
            assertThat(server.closeFuture().await(LINGER.toMillis() / 3)).as("lingering").isFalse();

            assertThat(server.closeFuture().await(5_000)).as("closed after the linger").isTrue();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 50; i++) {
                    client.getOutputStream().write(new byte[1024]);
                    Thread.sleep(10);
                }
            }).isInstanceOf(SocketException.class);
        }
    }

    private Socket connect() throws Exception {
        Channel listening = new ServerBootstrap().group(LOOPS).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new LingeringClose(LINGER), new SaysByeAndCloses());
                        accepted.complete(channel);
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        Socket client = new Socket("127.0.0.1", ((InetSocketAddress) listening.localAddress()).getPort());
        client.setSoTimeout(5_000);
        accepted.get(5, TimeUnit.SECONDS).closeFuture().addListener(closed -> listening.close());
        return client;
    }

    private static String readToEnd(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }

    /** Writes "bye" and closes once the write is done, as Reactor Netty closes after its close frame. */
    private static final class SaysByeAndCloses extends ChannelInboundHandlerAdapter {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.copiedBuffer("bye", StandardCharsets.US_ASCII))
                    .addListener(written -> ctx.channel().close());
        }
    }
}
