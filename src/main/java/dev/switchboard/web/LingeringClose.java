package dev.switchboard.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a WebSocket's connection the way RFC 6455 (7.1.1) asks, without losing what was just written to it.
 *
 * <p>Reactor Netty closes the connection the moment its close frame is written. A client that is still sending
 * then (a flooding one, say, that the gateway closes with 1008) has its next bytes arrive at a closed socket,
 * and the kernel answers them with a reset. The client's next write then fails, and a client library (Reactor
 * Netty's among them) closes the connection on a failed write before it has read what had arrived: the replies
 * before the close and the close frame itself. The client sees an abnormal closure (1006) instead of the status
 * and errors it was sent.
 *
 * <p>This handler, first in the socket's pipeline, turns that close into a lingering one: once everything
 * written has gone out it ends the output (FIN), drops whatever the client still sends, and closes when the
 * client closes its side or after {@link #LINGER} at the latest; a write after the close frame is dropped, as
 * nothing may follow it. A client that already closed its side is closed at once.
 */
public final class LingeringClose extends ChannelDuplexHandler {

    /** The longest a closing socket waits for its client to close its side. */
    public static final Duration LINGER = Duration.ofSeconds(2);
    private static final String NAME = "switchboard.lingeringClose";

    private final Duration linger;
    private boolean lingering;

    LingeringClose(Duration linger) {
        this.linger = linger;
    }

    /** Puts the handler first in a connection's pipeline (once). */
    public static void install(Channel channel) {
        channel.eventLoop().execute(() -> {
            if (channel.isActive() && channel.pipeline().get(NAME) == null) {
                channel.pipeline().addFirst(NAME, new LingeringClose(LINGER));
            }
        });
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        Channel channel = ctx.channel();
        if (lingering || !(channel instanceof DuplexChannel duplex) || !channel.isActive()
                || duplex.isInputShutdown() || duplex.isOutputShutdown()) {
            ctx.close(promise);
            return;
        }
        lingering = true;
        channel.closeFuture().addListener(closed -> promise.trySuccess());
        var deadline = ctx.executor().schedule(() -> ctx.close(), linger.toMillis(), TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(closed -> deadline.cancel(false));
        channel.config().setAutoRead(true);
        // what was written and not yet flushed goes out first: ending the output would fail it
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER)
                .addListener(flushed -> duplex.shutdownOutput().addListener(shut -> {
                    if (!shut.isSuccess()) {
                        ctx.close();
                    }
                }));
    }

    /** Nothing may follow the close frame (RFC 6455, 5.5.1): a late write while lingering is dropped. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (lingering) {
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
            return;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (lingering) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (lingering) {
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
