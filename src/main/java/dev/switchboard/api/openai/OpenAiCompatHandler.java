package dev.switchboard.api.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.api.ChatCommands;
import dev.switchboard.api.ErrorAnswers;
import dev.switchboard.api.RoutingHeaders;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.chat.MidStreamException;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Surface;
import dev.switchboard.config.ModelProperties;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.ChatService;
import dev.switchboard.web.ClientIdentity;
import dev.switchboard.web.JsonAnswer;
import dev.switchboard.web.JsonBodies;
import dev.switchboard.web.RequestIds;
import dev.switchboard.web.SseFrames;
import dev.switchboard.web.SseResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/chat/completions} and {@code GET /v1/models} in OpenAI's exact shapes, so the official
 * SDKs work unchanged. {@code model: "auto"} is Path A; {@code provider/model}, a bare configured model or
 * the {@code provider} extension field are Path B. Routing details go in {@code x-switchboard-*} headers.
 */
@Component
public class OpenAiCompatHandler {

    private final ChatService chat;
    private final JsonBodies bodies;
    private final ProviderRegistry providers;
    private final JsonMapper json;
    private final ErrorAnswers errors;
    private final Clock clock;
    private final long startedAt;

    public OpenAiCompatHandler(ChatService chat, JsonBodies bodies, ProviderRegistry providers, JsonMapper json,
            ErrorAnswers errors, Clock clock) {
        this.chat = chat;
        this.bodies = bodies;
        this.providers = providers;
        this.json = json;
        this.errors = errors;
        this.clock = clock;
        this.startedAt = epochSeconds();
    }

    public Mono<ServerResponse> chatCompletions(ServerRequest request) {
        String requestId = RequestIds.of(request.exchange());
        return request.bodyToMono(byte[].class)
                .defaultIfEmpty(new byte[0])
                .map(body -> bodies.parse(body, ChatCompletionRequest.class))
                .flatMap(body -> {
                    ChatCommand command = toCommand(body, requestId).withClient(ClientIdentity.of(request.exchange()));
                    return body.streaming() ? stream(request, command, body.includeUsage()) : complete(command);
                });
    }

    public Mono<ServerResponse> models(ServerRequest request) {
        List<ModelView> models = new ArrayList<>();
        models.add(new ModelView("auto", "model", startedAt, "switchboard"));
        for (Provider provider : providers.all()) {
            if (provider.enabled()) {
                for (ModelProperties model : provider.models()) {
                    models.add(new ModelView(provider.name() + "/" + model.name(), "model", startedAt, provider.name()));
                }
            }
        }
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("object", "list", "data", models));
    }

    private ChatCommand toCommand(ChatCompletionRequest body, String requestId) {
        if (body.model() == null || body.model().isBlank()) {
            throw GatewayException.badRequest("model_required",
                    "'model' is required; use \"auto\" to let Switchboard choose.");
        }
        Integer maxTokens = body.maxCompletionTokens() != null ? body.maxCompletionTokens() : body.maxTokens();
        return ChatCommand.builder(requestId, Surface.OPENAI, messages(body.messages()))
                .provider(blank(body.provider()))
                .model(body.model().trim())
                .maxTokens(ChatCommands.maxTokens(maxTokens))
                .temperature(ChatCommands.temperature(body.temperature()))
                .fallback(body.fallback() == null || body.fallback())
                .build();
    }

    private static List<ChatMessage> messages(List<ChatCompletionRequest.Message> messages) {
        if (messages == null || messages.isEmpty()) {
            throw GatewayException.badRequest("messages_required", "'messages' must be a non-empty array.");
        }
        ChatCommands.checkCount(messages.size());
        List<ChatMessage> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            ChatCompletionRequest.Message m = messages.get(i);
            if (m == null) {
                throw GatewayException.badRequest("invalid_message", "messages[" + i + "] is null.");
            }
            out.add(ChatCommands.message(i, m.role(), text(i, m.content())));
        }
        return out;
    }

    /** String content, or the text parts of an array; other part types are not supported. */
    private static String text(int index, JsonNode content) {
        if (content == null || content.isNull() || content.isMissingNode()) {
            return null;
        }
        if (content.isString()) {
            return content.stringValue();
        }
        if (!content.isArray()) {
            throw GatewayException.badRequest("invalid_content", "messages[" + index + "].content must be a string or an array of text parts.");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (!"text".equals(part.path("type").asString("")) || !part.path("text").isString()) {
                throw GatewayException.badRequest("unsupported_content", "messages[" + index
                        + "].content: only parts of type 'text' are supported.");
            }
            text.append(part.path("text").stringValue());
        }
        return text.toString();
    }

    private Mono<ServerResponse> complete(ChatCommand command) {
        return chat.complete(command).flatMap(result -> JsonAnswer.ok(json, completion(result),
                h -> RoutingHeaders.set(h, result.route(), result.attempts().size())));
    }

    private Mono<ServerResponse> stream(ServerRequest request, ChatCommand command, boolean includeUsage) {
        DataBufferFactory buffers = request.exchange().getResponse().bufferFactory();
        var committed = RoutingHeaders.onCommit(request.exchange().getResponse());
        long created = epochSeconds();
        String id = "chatcmpl-" + command.requestId();
        StreamWriter writer = new StreamWriter(buffers, id, created, includeUsage);
        Flux<DataBuffer> frames = chat.stream(command)
                .<DataBuffer>handle((event, sink) -> {
                    if (event instanceof StreamEvent.Committed c) {
                        committed.set(new RoutingHeaders.Committed(c.route(), c.attempts().size() + 1));
                    }
                    writer.write(event, sink);
                })
                .onErrorResume(MidStreamException.class,
                        e -> Mono.just(errors.openAiChunk(buffers, e, command.requestId())));
        return SseResponse.of(frames);
    }

    private Map<String, Object> completion(ChatResult result) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        message.put("content", result.content());
        message.put("refusal", null);
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("message", message);
        choice.put("logprobs", null);
        choice.put("finish_reason", result.finishReason());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", "chatcmpl-" + result.id());
        out.put("object", "chat.completion");
        out.put("created", epochSeconds());
        out.put("model", result.route().model());
        out.put("choices", List.of(choice));
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("prompt_tokens", result.usage().promptTokens());
        usage.put("completion_tokens", result.usage().completionTokens());
        usage.put("total_tokens", result.usage().totalTokens());
        out.put("usage", usage);
        out.put("system_fingerprint", null);
        return out;
    }

    private long epochSeconds() {
        return clock.millis() / 1000;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Turns stream events into OpenAI SSE frames; one per stream. */
    private final class StreamWriter {

        private final DataBufferFactory buffers;
        private final String id;
        private final long created;
        private final boolean includeUsage;
        private OpenAiChunks chunks;

        StreamWriter(DataBufferFactory buffers, String id, long created, boolean includeUsage) {
            this.buffers = buffers;
            this.id = id;
            this.created = created;
            this.includeUsage = includeUsage;
        }

        void write(StreamEvent event, SynchronousSink<DataBuffer> sink) {
            if (event instanceof StreamEvent.Committed c) {
                chunks = new OpenAiChunks(json, id, created, c.route().model(), includeUsage);
                sink.next(SseFrames.data(buffers, chunks.role()));
            } else if (event instanceof StreamEvent.Text text) {
                sink.next(SseFrames.data(buffers, chunks.content(text.delta())));
            } else if (event instanceof StreamEvent.Done done) {
                StringBuilder tail = new StringBuilder(256);
                tail.append("data: ").append(chunks.finish(done.result().finishReason())).append("\n\n");
                if (includeUsage) {
                    tail.append("data: ").append(chunks.usage(done.result())).append("\n\n");
                }
                tail.append("data: [DONE]\n\n");
                sink.next(buffers.wrap(tail.toString().getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ModelView(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
    }
}
