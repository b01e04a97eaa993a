package dev.switchboard.api.openai;

import dev.switchboard.api.OpenAiMessages;
import dev.switchboard.api.OpenAiVocabulary;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.chat.Passthrough;
import dev.switchboard.chat.SentBody;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.WireFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a {@code POST /v1/chat/completions} body into a command: the canonical model (for routing, limits,
 * the request log, and providers of other wire formats) and the body itself (relayed to OpenAI-format
 * providers with only the model replaced, so fields the gateway does not know yet still arrive).
 */
final class OpenAiRequestReader {

    /** Fields the canonical model carries, so providers of every format get them (or refuse them). */
    static final Set<String> MAPPED = Set.of("model", "messages", "max_tokens", "max_completion_tokens", "temperature",
            "top_p", "n", "stream", "stream_options", "stop", "presence_penalty", "frequency_penalty", "logit_bias",
            "logprobs", "top_logprobs", "user", "seed", "tools", "tool_choice", "parallel_tool_calls",
            "response_format", "reasoning_effort");

    /**
     * Fields that do not change the answer (storage, billing tier, abuse ids, cache routing hints): relayed to
     * OpenAI-format providers, left out for the others (README, fidelity section).
     */
    static final Set<String> ADVISORY = Set.of("store", "metadata", "service_tier", "prompt_cache_key",
            "safety_identifier");

    /** The gateway's own fields ({@code extra_body} in the SDKs): read here, never sent upstream. */
    static final Set<String> EXTENSIONS = Set.of("provider", "fallback", "hedge");

    private OpenAiRequestReader() {
    }

    /**
     * @param sent the body's bytes as the client sent them and where its model lies (relayed as they are, the
     *     model spliced in, when no extension field goes)
     */
    static ChatCommand read(ObjectNode body, SentBody sent, String requestId, @Nullable String preferredProvider) {
        String model = OpenAiVocabulary.optionalText(body, "model", "");
        if (model == null || model.isBlank()) {
            throw GatewayException.badRequest("model_required",
                    "'model' is required; use \"auto\" to let Switchboard choose.");
        }
        String provider = OpenAiVocabulary.optionalText(body, "provider", "");
        return ChatCommand.builder(requestId, Surface.OPENAI, OpenAiMessages.messages(body.path("messages")))
                .provider(provider == null || provider.isBlank() ? null : provider.trim())
                .model(model.trim())
                .maxTokens(OpenAiVocabulary.maxTokens(body))
                .temperature(OpenAiVocabulary.temperature(body))
                .fallback(!Boolean.FALSE.equals(OpenAiVocabulary.bool(body, "fallback")))
                .hedge(OpenAiVocabulary.bool(body, "hedge"))
                .preferredProvider(preferredProvider)
                .tools(OpenAiVocabulary.tools(body.path("tools")))
                .toolChoice(OpenAiVocabulary.toolChoice(body.path("tool_choice")))
                .responseFormat(OpenAiVocabulary.responseFormat(body.path("response_format")))
                .options(OpenAiVocabulary.options(body))
                .passthrough(passthrough(body, sent))
                .build();
    }

    static boolean streaming(ObjectNode body) {
        return Boolean.TRUE.equals(OpenAiVocabulary.bool(body, "stream"));
    }

    static boolean includeUsage(ObjectNode body) {
        return body.path("stream_options").path("include_usage").asBoolean(false);
    }

    /** The body without the gateway's fields, and the fields no other wire format can carry. */
    private static Passthrough passthrough(ObjectNode body, SentBody sent) {
        ObjectNode relayed = body;
        for (String extension : EXTENSIONS) {
            if (body.has(extension)) {
                relayed = relayed == body ? body.deepCopy() : relayed;
                relayed.remove(extension);
            }
        }
        List<String> unknown = new ArrayList<>(0);
        for (String field : body.propertyNames()) {
            if (!MAPPED.contains(field) && !ADVISORY.contains(field) && !EXTENSIONS.contains(field)) {
                unknown.add(field);
            }
        }
        return new Passthrough(WireFormat.OPENAI, relayed, unknown, relayed == body ? sent : null);
    }
}
