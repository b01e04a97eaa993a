package dev.switchboard.web;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import reactor.netty.NettyPipeline;

/**
 * Sends a streamed answer's headers in the same write as its first chunk, instead of one write (and, on
 * io_uring, one round trip through the ring) ahead of it.
 *
 * <p>Reactor Netty writes the headers of a body it streams with {@code writeAndFlush} and subscribes the body
 * only once that write has completed. On epoll the write completes at once; on io_uring it completes when its
 * completion is read, after the rest of the loop's batch, so the first chunk (a stream's first content: the
 * gateway sends nothing before it, {@code FirstChunkProbe}) waits one more turn of the loop, and under a burst
 * of streams a turn is long (docs/PERFORMANCE.md). This handler, right after the HTTP codec, takes the headers
 * of a response that is not a full one (a streamed body) into the outbound buffer, reports the write done, and
 * leaves the flush to the body's first write, which Reactor Netty flushes after the loop's batch. A flush task
 * of its own makes sure the headers go out even if no body write follows.
 *
 * <p>A failed write of the headers is not lost: the connection is closed, and the body's writes fail with it.
 * Full responses (every answer that is not streamed, a WebSocket handshake) pass untouched.
 */
public final class HeadersWithFirstChunk extends ChannelDuplexHandler {

    static final String NAME = "switchboard.headersWithFirstChunk";

    private boolean holding;

    /** Installs the handler after the HTTP/1.1 codec of a new server connection (HTTP/2 connections have none). */
    public static void install(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(NAME) == null) {
            pipeline.addAfter(NettyPipeline.HttpCodec, NAME, new HeadersWithFirstChunk());
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse && !(msg instanceof FullHttpResponse)) {
            holding = true;
            ctx.write(msg).addListener(written -> {
                if (!written.isSuccess()) {
                    ctx.close();
                }
            });
            promise.trySuccess();
            return;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (holding) {
            holding = false;
            // the body's first write follows at once, and Reactor Netty flushes it after the loop's batch; this
            // task, queued before that flush, sends the headers should no body write come
            ctx.executor().execute(ctx::flush);
            return;
        }
        ctx.flush();
    }
}
