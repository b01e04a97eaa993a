package dev.switchboard.security;

import dev.switchboard.chat.GatewayException;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The request body limit, for every endpoint: a declared {@code Content-Length} over it is refused
 * with a 413 (bodies up to 8 MiB are read and dropped first, so the client reads the answer instead of a
 * closed connection; bigger ones are refused at once), and a body without one (chunked) is counted while it is read and
 * cut off with the same 413 as soon as it crosses the limit. A body within its declared length is not wrapped at
 * all: the server's HTTP codec ends it at that length. Multipart uploads to the Task API get the
 * file limit ({@code switchboard.tasks.max-file-size}) on top, since the file is part of the body.
 */
final class BodyLimitFilter implements WebFilter, Ordered {

    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 30;
    private static final String TASK_PATH = "/api/v1/brain/process";
    /** Over-limit bodies up to this size are read (and dropped) before the 413 is sent. */
    private static final long DRAIN_MAX = 8L * 1024 * 1024;

    private final long maxBody;
    private final long maxUpload;

    BodyLimitFilter(long maxBody, long maxFile) {
        this.maxBody = maxBody;
        this.maxUpload = maxBody + maxFile;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        long limit = isUpload(request) ? maxUpload : maxBody;
        long declared = request.getHeaders().getContentLength();
        if (declared > limit) {
            // A client still sending a moderately large body would see the connection closed under it
            // and never read the 413; read and discard such a body first. A huge one is refused at once.
            if (declared <= DRAIN_MAX) {
                return request.getBody().doOnNext(DataBufferUtils::release).then(Mono.error(tooLarge(limit)));
            }
            return Mono.error(tooLarge(limit));
        }
        if (declared >= 0) {
            // the declared length is within the limit, and the server's codec (HTTP/1.1 framing, HTTP/2's
            // content-length check) never reads past it: nothing to count
            return chain.filter(exchange);
        }
        return chain.filter(exchange.mutate().request(new Counted(request, limit)).build());
    }

    private static boolean isUpload(ServerHttpRequest request) {
        MediaType type;
        try {
            type = request.getHeaders().getContentType();
        } catch (InvalidMediaTypeException e) {
            return false; // the handler answers it with a 400
        }
        String path = request.getPath().pathWithinApplication().value();
        return type != null && MediaType.MULTIPART_FORM_DATA.isCompatibleWith(type)
                && (path.equals(TASK_PATH) || path.equals(TASK_PATH + "/stream"));
    }

    static GatewayException tooLarge(long limit) {
        return new GatewayException(413, "invalid_request_error", "request_too_large",
                "The request body is larger than the limit of " + limit + " bytes.", null);
    }

    /** The request whose body fails with a 413 once more than the limit has been read. */
    private static final class Counted extends ServerHttpRequestDecorator {

        private final long limit;

        Counted(ServerHttpRequest delegate, long limit) {
            super(delegate);
            this.limit = limit;
        }

        @Override
        public Flux<DataBuffer> getBody() {
            return Flux.defer(() -> {
                long[] read = new long[1];
                // map, not handle: see UpstreamBodyLimit
                return super.getBody().map(buffer -> {
                    read[0] += buffer.readableByteCount();
                    if (read[0] > limit) {
                        DataBufferUtils.release(buffer);
                        throw tooLarge(limit);
                    }
                    return buffer;
                });
            });
        }
    }
}
