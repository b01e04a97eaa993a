package dev.switchboard.api.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.api.ChatCommands;
import dev.switchboard.api.ErrorAnswers;
import dev.switchboard.api.OpenAiVocabulary;
import dev.switchboard.api.ResumableSse;
import dev.switchboard.api.RoutingHeaders;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.MidStreamException;
import dev.switchboard.chat.SentBody;
import dev.switchboard.config.ModelProperties;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.ChatService;
import dev.switchboard.support.FlattenLists;
import dev.switchboard.web.ClientIdentity;
import dev.switchboard.web.JsonAnswer;
import dev.switchboard.web.JsonBodies;
import dev.switchboard.web.RequestIds;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/chat/completions} and {@code GET /v1/models} in OpenAI's exact shapes, so the official
 * SDKs work unchanged. {@code model: "auto"} is Path A; {@code provider/model}, a bare configured model or
 * the {@code provider} extension field are Path B. Routing details go in {@code x-switchboard-*} headers.
 */
@Component
public class OpenAiCompatHandler {

    /** The endpoint family of resumable streams started here (resumed with {@code Last-Event-ID}, same URL). */
    static final String SURFACE = "v1/chat/completions";
    /** The request header that names the provider Path A tries first. */
    static final String PREFERRED_PROVIDER = "x-switchboard-provider";

    private final ChatService chat;
    private final JsonBodies bodies;
    private final ProviderRegistry providers;
    private final JsonMapper json;
    private final ErrorAnswers errors;
    private final Clock clock;
    private final long startedAt;
    private final ResumableSse resumable;

    public OpenAiCompatHandler(ChatService chat, JsonBodies bodies, ProviderRegistry providers, JsonMapper json,
            ErrorAnswers errors, Clock clock, ResumableSse resumable) {
        this.resumable = resumable;
        this.chat = chat;
        this.bodies = bodies;
        this.providers = providers;
        this.json = json;
        this.errors = errors;
        this.clock = clock;
        this.startedAt = epochSeconds();
    }

    public Mono<ServerResponse> chatCompletions(ServerRequest request) {
        if (ResumableSse.lastEventId(request) != null) {
            // a streaming client that lost its connection: the rest of its stream (the body is not read)
            return resumable.resume(request, SURFACE, null);
        }
        String requestId = RequestIds.of(request.exchange());
        return JsonBodies.bytes(request)
                .flatMap(bytes -> {
                    JsonBodies.LocatedObject parsed = bodies.parseObjectLocating(bytes, "model");
                    ObjectNode body = parsed.object();
                    SentBody sent = new SentBody(bytes, parsed.start(), parsed.end());
                    ChatCommand command = OpenAiRequestReader.read(body, sent, requestId, preferredProvider(request))
                            .toBuilder()
                            .client(ClientIdentity.of(request.exchange()))
                            .cache(ChatCommands.cacheDirective(request.exchange(), null))
                            .affinityKey(ChatCommands.affinityKey(request.exchange(),
                                    OpenAiVocabulary.optionalText(body, "prompt_cache_key", "")))
                            .build();
                    return OpenAiRequestReader.streaming(body)
                            ? stream(request, command, OpenAiRequestReader.includeUsage(body))
                            : complete(command);
                });
    }

    /** {@code x-switchboard-provider}: the provider tried first on Path A. */
    private static @Nullable String preferredProvider(ServerRequest request) {
        String header = request.headers().firstHeader(PREFERRED_PROVIDER);
        return header == null || header.isBlank() ? null : header.trim();
    }

    public Mono<ServerResponse> models(ServerRequest request) {
        List<ModelView> models = new ArrayList<>();
        models.add(new ModelView("auto", "model", startedAt, "switchboard"));
        for (Provider provider : providers.all()) {
            if (provider.enabled()) {
                for (ModelProperties model : provider.enabledModels()) {
                    models.add(new ModelView(provider.name() + "/" + model.name(), "model", startedAt, provider.name()));
                }
            }
        }
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("object", "list", "data", models));
    }

    /** The provider's own body when it speaks OpenAI's format; otherwise the answer written from the canonical one. */
    private Mono<ServerResponse> complete(ChatCommand command) {
        return chat.complete(command).flatMap(result -> result.raw() != null
                ? JsonAnswer.raw(result.raw(), h -> RoutingHeaders.set(h, result.route(), result.attempts().size(), result.cache()))
                : JsonAnswer.ok(json, OpenAiAnswer.of(result, epochSeconds()),
                        h -> RoutingHeaders.set(h, result.route(), result.attempts().size(), result.cache())));
    }

    private Mono<ServerResponse> stream(ServerRequest request, ChatCommand command, boolean includeUsage) {
        long created = epochSeconds();
        // the frames' functions stay for the whole stream: they keep the request id, not the command and its prompt
        String requestId = command.requestId();
        return resumable.start(request, SURFACE, command,
                delivery -> delivery == null ? chat.stream(command) : chat.stream(command, delivery),
                (events, buffers) -> {
                    OpenAiStreamWriter writer = new OpenAiStreamWriter(json, buffers, "chatcmpl-" + requestId,
                            created, includeUsage);
                    // 32 ahead, as the resumable stream reading these frames asks for them: a request up the
                    // stream's operators every 24 events (concatMapIterable's 256 queued that many events)
                    return FlattenLists.of(events, event -> {
                        List<DataBuffer> written = new ArrayList<>(2);
                        writer.write(event, written::add);
                        return written;
                    }, 32, MidStreamException.class, e -> errors.openAiChunk(buffers, e, requestId));
                });
    }

    private long epochSeconds() {
        return clock.millis() / 1000;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ModelView(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
    }
}
