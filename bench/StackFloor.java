import io.netty.channel.uring.IoUring;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.IntUnaryOperator;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.Http2AllocationStrategy;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

import static org.springframework.web.reactive.function.server.RequestPredicates.POST;

/**
 * The floor of the chosen stack, for bench/run: the least a WebFlux endpoint can do to forward a chat
 * request with WebClient on Reactor Netty, the same server and client Switchboard runs on. No Spring
 * Boot, no key choice, no limits, no metrics, no logging, no JSON parsing: the request body goes upstream
 * as bytes and the upstream's bytes come back (a stream as it arrives, headers at once, with no
 * first-chunk probe; {@code -Dfloor.probe=true} adds the least a probe does, see {@link #probed}).
 * Whatever Switchboard spends above this is its own logic; what this spends, the stack
 * spends before any logic runs.
 *
 * <p>Usage: {@code java -cp <gateway libs> StackFloor PORT SYNC_UPSTREAM_BASE STREAM_UPSTREAM_BASE}; a
 * request whose body asks for {@code "stream":true} goes to the second upstream, any other to the first.
 * With {@code -Dfloor.http2=true} (bench/hold) it speaks what the gateway speaks there: h2c to its clients
 * beside HTTP/1.1, and h2c upstream on a pool that opens another connection only once the open ones carry
 * as many streams as the upstream allows, as the gateway's {@code UpstreamPools} do.
 */
public final class StackFloor {

    private static final byte[] STREAM_FLAG = "\"stream\":true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT = "\"content\":\"".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        URI syncUpstream = URI.create(args[1] + "/chat/completions");
        URI streamUpstream = URI.create(args[2] + "/chat/completions");
        boolean http2 = Boolean.getBoolean("floor.http2");
        boolean probe = Boolean.getBoolean("floor.probe");
        ConnectionProvider.Builder pool = ConnectionProvider.builder("floor").maxConnections(20_000)
                .pendingAcquireMaxCount(-1);
        if (http2) {
            pool.allocationStrategy(Http2AllocationStrategy.builder().maxConnections(20_000).minConnections(0)
                    .strictConnectionReuse(true).build());
        }
        HttpClient http = HttpClient.create(pool.build());
        WebClient client = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http2 ? http.protocol(HttpProtocol.H2C) : http))
                .defaultHeader("authorization", "Bearer floor-key")
                .defaultHeader("content-type", MediaType.APPLICATION_JSON_VALUE)
                .build();
        var routes = RouterFunctions.route(POST("/v1/chat/completions"), request -> request.bodyToMono(byte[].class)
                .flatMap(body -> contains(body, STREAM_FLAG)
                        ? ServerResponse.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(BodyInserters.fromDataBuffers(
                                probed(client.post().uri(streamUpstream).bodyValue(body).retrieve()
                                        .bodyToFlux(DataBuffer.class), probe)))
                        : client.post().uri(syncUpstream).bodyValue(body).retrieve().bodyToMono(byte[].class)
                                .flatMap(answer -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                                        .bodyValue(answer))));
        var adapter = new ReactorHttpHandlerAdapter(RouterFunctions.toHttpHandler(routes));
        HttpServer httpServer = HttpServer.create().host("127.0.0.1").port(port);
        DisposableServer server = (http2 ? httpServer.protocol(HttpProtocol.HTTP11, HttpProtocol.H2C) : httpServer)
                .handle(adapter)
                .bindNow(Duration.ofSeconds(10));
        System.out.println("stack floor on " + port + ": " + syncUpstream + ", streams " + streamUpstream
                + ", transport " + (IoUring.isAvailable() ? "io_uring" : "epoll (io_uring is not available: "
                        + IoUring.unavailabilityCause().getMessage() + ")"));
        server.onDispose().block();
    }

    /**
     * With {@code -Dfloor.probe=true}, the least a first-chunk probe does: what comes before the first buffer
     * with answer text ({@code "content":"} and a character) is held and goes out joined with that buffer, so
     * the headers leave with the first content, as the gateway's do. Without it, the upstream's buffers as
     * they come.
     */
    private static Flux<DataBuffer> probed(Flux<DataBuffer> upstream, boolean probe) {
        return probe ? upstream.bufferUntil(StackFloor::hasContent).map(StackFloor::joined) : upstream;
    }

    private static DataBuffer joined(List<DataBuffer> buffers) {
        return buffers.size() == 1 ? buffers.get(0) : DefaultDataBufferFactory.sharedInstance.join(buffers);
    }

    private static boolean hasContent(DataBuffer buffer) {
        // the role chunk's "content":"" does not count; a buffer may hold it and the first content both
        for (int at = indexOf(buffer::getByte, buffer.readPosition(), buffer.writePosition() - 1, CONTENT); at >= 0;
                at = indexOf(buffer::getByte, at + 1, buffer.writePosition() - 1, CONTENT)) {
            if (buffer.getByte(at + CONTENT.length) != '"') {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(byte[] body, byte[] part) {
        return indexOf(i -> body[i], 0, body.length, part) >= 0;
    }

    /** Where {@code part} first starts among the bytes {@code from} (inclusive) to {@code to} (exclusive), or -1. */
    private static int indexOf(IntUnaryOperator byteAt, int from, int to, byte[] part) {
        outer:
        for (int i = from; i + part.length <= to; i++) {
            for (int j = 0; j < part.length; j++) {
                if (byteAt.applyAsInt(i + j) != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private StackFloor() {
    }
}
