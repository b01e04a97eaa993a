package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

/** {@link HeadersWithFirstChunk} after an HTTP encoder in an embedded channel: what reaches the socket, and when. */
class HeadersWithFirstChunkTest {

    private final EmbeddedChannel channel = channel();

    private static EmbeddedChannel channel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(NettyPipeline.HttpCodec, new HttpResponseEncoder());
        HeadersWithFirstChunk.install(channel);
        return channel;
    }

    @Test
    void streamedHeadersAreReportedWrittenAtOnceAndLeaveWithTheFirstChunk() {
        ChannelFuture headers = writeAndFlushHeaders();

        assertThat(headers.isSuccess()).isTrue();
        assertThat((Object) channel.readOutbound()).as("nothing on the socket before the first chunk").isNull();

        channel.writeAndFlush(new DefaultHttpContent(ascii("data: first\n\n")));
        String sent = drainOutbound();
        assertThat(sent).startsWith("HTTP/1.1 200 OK\r\n").contains("text/event-stream").endsWith("data: first\n\n\r\n");
        channel.runPendingTasks();
        assertThat(drainOutbound()).as("the handler's own flush finds nothing left").isEmpty();
    }

    @Test
    void streamedHeadersGoOutWithTheLoopsNextTasksWhenNoChunkFollows() {
        writeAndFlushHeaders();
        assertThat((Object) channel.readOutbound()).isNull();

        channel.runPendingTasks();

        assertThat(drainOutbound()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n");
    }

    @Test
    void laterFlushesPassAtOnce() {
        writeAndFlushHeaders();
        channel.writeAndFlush(new DefaultHttpContent(ascii("data: first\n\n")));
        drainOutbound();

        channel.writeAndFlush(new DefaultHttpContent(ascii("data: second\n\n")));

        assertThat(drainOutbound()).contains("data: second");
    }

    @Test
    void aFullResponseIsWrittenAndFlushedAsBefore() {
        DefaultFullHttpResponse full = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                ascii("{}"));
        full.headers().set(HttpHeaderNames.CONTENT_LENGTH, 2);

        ChannelFuture written = channel.writeAndFlush(full);

        assertThat(written.isSuccess()).isTrue();
        assertThat(drainOutbound()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n{}");
    }

    @Test
    void aConnectionWithoutAnHttpCodecIsLeftAlone() {
        EmbeddedChannel plain = new EmbeddedChannel();
        HeadersWithFirstChunk.install(plain);
        assertThat(plain.pipeline().get(HeadersWithFirstChunk.NAME)).isNull();
        plain.finishAndReleaseAll();
    }

    /**
     * As Reactor Netty writes a streamed answer's headers: through the pipeline (the channel's own
     * {@code writeAndFlush} would also run the loop's pending tasks, which a real loop runs only after its batch).
     */
    private ChannelFuture writeAndFlushHeaders() {
        return channel.pipeline().writeAndFlush(streamedHeaders());
    }

    private static HttpResponse streamedHeaders() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
        response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        return response;
    }

    private String drainOutbound() {
        StringBuilder sent = new StringBuilder();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            sent.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
        return sent.toString();
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }
}
