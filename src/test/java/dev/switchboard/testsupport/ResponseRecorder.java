package dev.switchboard.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/** Keeps every response a test client receives: status, every header, and the body as it streams in. */
public final class ResponseRecorder implements ExchangeFilterFunction {

    /** One response as received. */
    public static final class Recorded {
        public final String request;
        public final int status;
        public final String headers;
        private final StringBuilder body = new StringBuilder();

        public Recorded(String request, int status, String headers) {
            this.request = request;
            this.status = status;
            this.headers = headers;
        }

        public synchronized void append(String text) {
            body.append(text);
        }

        public synchronized String body() {
            return body.toString();
        }

        @Override
        public String toString() {
            return request + " -> " + status;
        }
    }

    private final List<Recorded> responses = new CopyOnWriteArrayList<>();

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        return next.exchange(request).map(response -> {
            Recorded recorded = new Recorded(request.method() + " " + request.url().getRawPath(),
                    response.statusCode().value(), text(response.headers().asHttpHeaders()));
            responses.add(recorded);
            return response.mutate()
                    .body(body -> body.doOnNext(buffer -> recorded.append(buffer.toString(buffer.readPosition(),
                            buffer.readableByteCount(), StandardCharsets.UTF_8))))
                    .build();
        });
    }

    public List<Recorded> responses() {
        return List.copyOf(responses);
    }

    private static String text(HttpHeaders headers) {
        StringBuilder out = new StringBuilder();
        headers.forEach((name, values) -> values.forEach(value -> out.append(name).append(": ").append(value).append('\n')));
        return out.toString();
    }
}
