package dev.switchboard.cache;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.GenerationOptions;
import dev.switchboard.chat.Passthrough;
import dev.switchboard.chat.ResponseFormat;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.chat.Tool;
import dev.switchboard.chat.ToolChoice;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The key of a request's answer: its namespace, then a SHA-256 of everything that shapes the answer (path
 * and model, messages, every generation parameter, tools and tool choice, response format, and fields only a
 * same-format provider reads). Who sent it, its id and surface are not part of the hash; the namespace
 * (the client's own unless an operator shares one) keeps clients apart.
 */
final class CacheKeys {

    private final JsonMapper json;

    CacheKeys(JsonMapper json) {
        this.json = json;
    }

    /** Everything hashed, in a fixed order. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Material(String path, @Nullable String provider, @Nullable String model, @Nullable String preferredProvider,
            boolean fallback, boolean modelFallback, List<ChatMessage> messages, @Nullable Integer maxTokens,
            @Nullable Double temperature, List<Tool> tools, @Nullable ToolChoice toolChoice,
            @Nullable ResponseFormat responseFormat, boolean formatOptional, GenerationOptions options,
            Map<String, JsonNode> unmappedFields) {
    }

    String key(String namespace, ChatCommand command, RoutePath path) {
        Material material = new Material(path.code(), command.provider(), command.model(), command.preferredProvider(),
                command.fallback(), command.modelFallback(), command.messages(), command.maxTokens(),
                command.temperature(), command.tools(), command.toolChoice(), command.responseFormat(),
                command.formatOptional(), command.options(), unmapped(command.passthrough()));
        return namespace + ":" + sha256(json.writeValueAsBytes(material));
    }

    private static Map<String, JsonNode> unmapped(@Nullable Passthrough passthrough) {
        if (passthrough == null || passthrough.unknownFields().isEmpty()) {
            return Map.of();
        }
        Map<String, JsonNode> fields = new TreeMap<>();
        for (String name : passthrough.unknownFields()) {
            fields.put(name, passthrough.body().path(name));
        }
        return fields;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }
}
