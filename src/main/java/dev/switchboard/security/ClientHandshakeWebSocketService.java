package dev.switchboard.security;

import dev.switchboard.observability.RequestTraces;
import dev.switchboard.web.ClientIdentity;
import dev.switchboard.web.LingeringClose;
import java.util.List;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * The WebSocket handshake, carrying the client authenticated on the upgrade request into the socket's
 * session. WebFlux copies only {@code WebSession} attributes into a socket session, never exchange
 * attributes, and a {@code WebSession} per socket would mean a server-side session and a cookie for
 * nothing; so the client id is put into the new session's attributes before the handler runs, and with
 * tracing on the handshake's server span too (the parent of each message's span). An upgraded connection
 * closes through {@link LingeringClose}, so a client still sending when it is closed gets what was sent to it.
 */
final class ClientHandshakeWebSocketService extends HandshakeWebSocketService {

    private final RequestTraces traces;

    ClientHandshakeWebSocketService(RequestUpgradeStrategy upgradeStrategy, RequestTraces traces) {
        super(upgradeStrategy);
        this.traces = traces;
    }

    @Override
    public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
        return super.handleRequest(exchange, new Carried(handler, ClientIdentity.of(exchange), exchange, traces));
    }

    private record Carried(WebSocketHandler delegate, String client, ServerWebExchange handshake,
            RequestTraces traces) implements WebSocketHandler {

        @Override
        public List<String> getSubProtocols() {
            return delegate.getSubProtocols();
        }

        @Override
        public Mono<Void> handle(WebSocketSession session) {
            if (ServerHttpRequestDecorator.getNativeRequest(handshake.getRequest()) instanceof Connection connection) {
                LingeringClose.install(connection.channel());
            }
            session.getAttributes().put(ClientIdentity.ATTRIBUTE, client);
            traces.carryIntoSession(handshake, session.getAttributes());
            return delegate.handle(session);
        }
    }
}
