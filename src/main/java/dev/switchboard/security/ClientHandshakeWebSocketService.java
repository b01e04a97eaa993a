package dev.switchboard.security;

import dev.switchboard.web.ClientIdentity;
import java.util.List;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The WebSocket handshake, carrying the client authenticated on the upgrade request into the socket's
 * session. WebFlux copies only {@code WebSession} attributes into a socket session, never exchange
 * attributes, and a {@code WebSession} per socket would mean a server-side session and a cookie for
 * nothing; so the client id is put into the new session's attributes before the handler runs.
 */
final class ClientHandshakeWebSocketService extends HandshakeWebSocketService {

    ClientHandshakeWebSocketService(RequestUpgradeStrategy upgradeStrategy) {
        super(upgradeStrategy);
    }

    @Override
    public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
        return super.handleRequest(exchange, new WithClient(handler, ClientIdentity.of(exchange)));
    }

    private record WithClient(WebSocketHandler delegate, String client) implements WebSocketHandler {

        @Override
        public List<String> getSubProtocols() {
            return delegate.getSubProtocols();
        }

        @Override
        public Mono<Void> handle(WebSocketSession session) {
            session.getAttributes().put(ClientIdentity.ATTRIBUTE, client);
            return delegate.handle(session);
        }
    }
}
