package dev.switchboard.api.anthropic;

import dev.switchboard.api.ChatCommands;
import dev.switchboard.api.ErrorAnswers;
import dev.switchboard.api.RoutingHeaders;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.MidStreamException;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.ChatService;
import dev.switchboard.support.FlattenLists;
import dev.switchboard.web.ClientIdentity;
import dev.switchboard.web.JsonAnswer;
import dev.switchboard.web.JsonBodies;
import dev.switchboard.web.RequestIds;
import dev.switchboard.web.SseResponse;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/messages}: Anthropic's Messages API in front of every provider, so the Anthropic SDKs and
 * tools built on them use the gateway's key pools. The client key comes as {@code x-api-key} (what the SDK
 * sends) or bearer; {@code anthropic-version} is accepted and not required. Errors have Anthropic's shape
 * ({@link ErrorAnswers}), streams Anthropic's event sequence.
 */
@Component
public class AnthropicMessagesHandler {

    private final ChatService chat;
    private final JsonBodies bodies;
    private final ProviderRegistry providers;
    private final JsonMapper json;
    private final ErrorAnswers errors;

    public AnthropicMessagesHandler(ChatService chat, JsonBodies bodies, ProviderRegistry providers, JsonMapper json,
            ErrorAnswers errors) {
        this.chat = chat;
        this.bodies = bodies;
        this.providers = providers;
        this.json = json;
        this.errors = errors;
    }

    public Mono<ServerResponse> messages(ServerRequest request) {
        String requestId = RequestIds.of(request.exchange());
        return JsonBodies.bytes(request)
                .flatMap(bytes -> {
                    ObjectNode body = bodies.parse(bytes, ObjectNode.class);
                    ChatCommand command = AnthropicRequestReader.read(body, requestId, providers::routes,
                                    preferredProvider(request))
                            .toBuilder()
                            .client(ClientIdentity.of(request.exchange()))
                            .cache(ChatCommands.cacheDirective(request.exchange(), null))
                            .affinityKey(ChatCommands.affinityKey(request.exchange(), null))
                            .build();
                    return AnthropicRequestReader.streaming(body) ? stream(request, command) : complete(command);
                });
    }

    /** {@code x-switchboard-provider}: the provider tried first on Path A, as on {@code /v1/chat/completions}. */
    private static @Nullable String preferredProvider(ServerRequest request) {
        String header = request.headers().firstHeader("x-switchboard-provider");
        return header == null || header.isBlank() ? null : header.trim();
    }

    private Mono<ServerResponse> complete(ChatCommand command) {
        return chat.complete(command).flatMap(result -> result.raw() != null
                ? JsonAnswer.raw(result.raw(), h -> RoutingHeaders.set(h, result.route(), result.attempts().size(), result.cache()))
                : JsonAnswer.ok(json, AnthropicMessage.of(json, result),
                        h -> RoutingHeaders.set(h, result.route(), result.attempts().size(), result.cache())));
    }

    private Mono<ServerResponse> stream(ServerRequest request, ChatCommand command) {
        DataBufferFactory buffers = request.exchange().getResponse().bufferFactory();
        RoutingHeaders.ForStream route = RoutingHeaders.forStream(request.exchange().getResponse());
        // the frames' functions stay for the whole stream: they keep the request id, not the command and its prompt
        String requestId = command.requestId();
        AnthropicStreamWriter writer = new AnthropicStreamWriter(json, buffers, "msg_" + requestId);
        Flux<DataBuffer> frames = FlattenLists.of(chat.stream(command), event -> {
            if (event instanceof StreamEvent.Committed c) {
                route.committed(c);
            }
            List<DataBuffer> written = new ArrayList<>(2);
            writer.write(event, written::add);
            return written;
        }, 32, MidStreamException.class, e -> errors.anthropicEvent(buffers, e, requestId));
        return SseResponse.of(frames);
    }
}
