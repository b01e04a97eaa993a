package dev.switchboard.testsupport;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * One WebSocket conversation driven from a test thread: connect (with headers), send messages, collect
 * every reply and the close status, until the replies satisfy a condition, the server closes, or time
 * runs out. The handshake's failure (a refused upgrade) is kept as the error.
 */
public final class WsProbe {

    /** What the socket saw. */
    public record Seen(List<String> replies, CloseStatus closeStatus, Throwable error) {

        public boolean refused() {
            return error != null;
        }
    }

    private WsProbe() {
    }

    public static Seen talk(URI uri, HttpHeaders headers, List<String> messages, Predicate<List<String>> until,
            Duration within) {
        List<String> replies = new CopyOnWriteArrayList<>();
        CloseStatus[] close = new CloseStatus[1];
        ReactorNettyWebSocketClient client = new ReactorNettyWebSocketClient(HttpClient.create(),
                () -> WebsocketClientSpec.builder().maxFramePayloadLength(4 * 1024 * 1024));
        Mono<Void> conversation = client.execute(uri, headers, session -> {
            Mono<Void> send = session.send(Flux.fromIterable(messages).map(session::textMessage));
            Mono<Void> receive = session.receive()
                    .map(WebSocketMessage::getPayloadAsText)
                    .doOnNext(replies::add)
                    .takeUntil(text -> until.test(replies))
                    .then();
            Mono<Void> closed = session.closeStatus().doOnNext(status -> close[0] = status).then();
            return Mono.when(send, Mono.firstWithSignal(receive, closed)).then(session.close())
                    .then(closed.timeout(Duration.ofSeconds(2), Mono.empty()));
        });
        Throwable error = null;
        try {
            conversation.timeout(within).block(within.plusSeconds(5));
        } catch (RuntimeException e) {
            error = e;
        }
        return new Seen(List.copyOf(replies), close[0], error);
    }
}
