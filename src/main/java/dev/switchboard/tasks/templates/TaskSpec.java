package dev.switchboard.tasks.templates;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One task as written in the templates YAML, before inheritance. Every field may be left out and is
 * then taken from the {@code base} task.
 *
 * @param base the task this one inherits parts, profile, schema and defaults from
 * @param isAbstract a building block only: it cannot be requested, only inherited from
 * @param schema a JSON schema (written as YAML) the parsed answer must match; needs a strict profile
 * @param images what an uploaded image becomes: {@code ocr} (the default) reads its text with Tesseract,
 *     {@code vision} sends the image itself to a vision-capable model as an image part
 * @param defaultProvider the provider tried first when a request names no model (see {@link TaskRouting})
 * @param defaultModel the model used on {@code defaultProvider}
 * @param fallbackProviders the providers tried after it, in order, and no others
 * @param providerOrder {@code round-robin} or {@code priority} for this task's requests
 */
public record TaskSpec(
        @Nullable String base,
        @JsonProperty("abstract") @Nullable Boolean isAbstract,
        @Nullable String description,
        @Nullable ProfileSpec profile,
        @Nullable String system,
        @Nullable String developer,
        @Nullable String user,
        @Nullable String assistant,
        @Nullable JsonNode schema,
        @JsonProperty("max_tokens") @Nullable Integer maxTokens,
        @Nullable Double temperature,
        @Nullable String images,
        @JsonProperty("default_provider") @Nullable String defaultProvider,
        @JsonProperty("default_model") @Nullable String defaultModel,
        @JsonProperty("fallback_providers") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        @Nullable List<String> fallbackProviders,
        @JsonProperty("provider_order") @Nullable String providerOrder) {

    @Nullable String part(PromptPart part) {
        return switch (part) {
            case SYSTEM -> system;
            case DEVELOPER -> developer;
            case USER -> user;
            case ASSISTANT -> assistant;
        };
    }

    /** The profile as written; each field may be inherited. */
    public record ProfileSpec(
            @Nullable String role,
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) @Nullable List<String> expertise,
            @JsonProperty("output_format") @Nullable String outputFormat,
            @Nullable Boolean strict) {
    }
}
