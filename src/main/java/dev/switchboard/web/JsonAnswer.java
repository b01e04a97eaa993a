package dev.switchboard.web;

import java.util.function.Consumer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * A 200 JSON answer for the hot sync paths, written straight onto the response: the headers go onto the
 * exchange's response once and the body, serialized to one buffer with the application's mapper, is written
 * as it is. The profile put the codec chain and the {@code ServerResponse} builder's copies at about a tenth
 * of a sync request's CPU; this class is the {@link ServerResponse} itself rather than one the builder makes,
 * so it also skips the builder's header and cookie maps, their copy onto the response and the not-modified
 * check (nothing here has an {@code ETag} or a last-modified time).
 */
public final class JsonAnswer implements ServerResponse {

    private final byte[] body;
    private final Consumer<HttpHeaders> headers;

    private JsonAnswer(byte[] body, Consumer<HttpHeaders> headers) {
        this.body = body;
        this.headers = headers;
    }

    public static Mono<ServerResponse> ok(JsonMapper json, Object body, Consumer<HttpHeaders> headers) {
        return raw(json.writeValueAsBytes(body), headers);
    }

    /** A 200 whose body is JSON already serialized (an upstream's answer relayed as it came). */
    public static Mono<ServerResponse> raw(byte[] bytes, Consumer<HttpHeaders> headers) {
        return Mono.just(new JsonAnswer(bytes, headers));
    }

    @Override
    public HttpStatusCode statusCode() {
        return HttpStatus.OK;
    }

    /** The headers this answer writes, built for a caller that asks; {@link #writeTo} sets them on the response. */
    @Override
    public HttpHeaders headers() {
        HttpHeaders built = new HttpHeaders();
        setHeaders(built);
        return HttpHeaders.readOnlyHttpHeaders(built);
    }

    @Override
    public MultiValueMap<String, ResponseCookie> cookies() {
        return new LinkedMultiValueMap<>(0);
    }

    @Override
    public Mono<Void> writeTo(ServerWebExchange exchange, Context context) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.OK);
        setHeaders(response.getHeaders());
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private void setHeaders(HttpHeaders target) {
        target.setContentType(MediaType.APPLICATION_JSON);
        target.setContentLength(body.length);
        headers.accept(target);
    }
}
