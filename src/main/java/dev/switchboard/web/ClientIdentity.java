package dev.switchboard.web;

import dev.switchboard.chat.ChatCommand;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.server.ServerWebExchange;

/**
 * Which gateway client sent an exchange. The authentication filter sets it; surfaces copy it into the
 * {@link ChatCommand} so usage and the request log record it. Without authentication it is
 * {@code anonymous}.
 */
public final class ClientIdentity {

    public static final String ATTRIBUTE = ClientIdentity.class.getName() + ".client";
    /** The client id of requests made with the admin token. */
    public static final String ADMIN = "admin";

    private ClientIdentity() {
    }

    public static String of(ServerWebExchange exchange) {
        String client = exchange.getAttribute(ATTRIBUTE);
        return client != null ? client : ChatCommand.ANONYMOUS;
    }

    /** Whether the exchange was made with the admin token. */
    public static boolean isAdmin(ServerWebExchange exchange) {
        return ADMIN.equals(exchange.getAttribute(ATTRIBUTE));
    }

    /** The client of a WebSocket: the handshake's attribute, copied into the session by the WebSocket service. */
    public static String of(WebSocketSession session) {
        Object client = session.getAttributes().get(ATTRIBUTE);
        return client instanceof String id ? id : ChatCommand.ANONYMOUS;
    }

    public static void set(ServerWebExchange exchange, String clientId) {
        exchange.getAttributes().put(ATTRIBUTE, clientId);
    }
}
