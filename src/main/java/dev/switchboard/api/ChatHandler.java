package dev.switchboard.api;

import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.Surface;
import dev.switchboard.routing.ChatService;
import dev.switchboard.web.JsonAnswer;
import dev.switchboard.web.JsonBodies;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** {@code POST /api/chat}: one JSON answer. */
@Component
public class ChatHandler {

    private final ChatService chat;
    private final ChatCommands commands;
    private final JsonMapper json;

    public ChatHandler(ChatService chat, ChatCommands commands, JsonMapper json) {
        this.chat = chat;
        this.commands = commands;
        this.json = json;
    }

    public Mono<ServerResponse> chat(ServerRequest request) {
        return JsonBodies.bytes(request)
                .map(body -> commands.read(body, request.exchange(), Surface.SYNC))
                .flatMap(chat::complete)
                .flatMap(this::respond);
    }

    private Mono<ServerResponse> respond(ChatResult result) {
        return JsonAnswer.ok(json, ChatView.of(result),
                headers -> RoutingHeaders.set(headers, result.route(), result.attempts().size(), result.cache()));
    }
}
