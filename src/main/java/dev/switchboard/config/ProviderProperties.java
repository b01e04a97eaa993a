package dev.switchboard.config;

import dev.switchboard.chat.WireFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One upstream provider under {@code switchboard.providers.<name>}.
 *
 * @param type adapter family: {@code openai} (any OpenAI-compatible API), {@code anthropic},
 *     {@code gemini} or {@code simulator}
 * @param format wire format ({@code openai}, {@code anthropic}, {@code gemini}) the built-in simulator
 *     speaks for a {@code simulator} provider; ignored for the other types
 * @param baseUrl API root, e.g. {@code https://api.groq.com/openai/v1}; for {@code anthropic} and
 *     {@code gemini} the host ({@code https://api.anthropic.com}); not needed for simulators
 * @param defaultModel the model Path A uses
 * @param models models this provider serves (Path B looks bare model names up here)
 * @param priority lower comes first where an order between providers matters
 * @param enabled a disabled provider is loaded and validated but never routed to
 * @param autoRoute whether Path A ({@code model: auto}) may use this provider; when false it only
 *     serves requests that name it or one of its models
 * @param apiKeys explicit keys, in addition to the environment variables
 * @param headers extra request headers (e.g. OpenRouter's {@code HTTP-Referer}, {@code X-Title})
 * @param dailyLimit calls per UTC day for the whole provider; null = {@code switchboard.keys.provider-daily-limit}, 0 = unlimited
 * @param maxConcurrent bulkhead: concurrent upstream calls; null = {@code switchboard.resilience.max-concurrent-calls}
 * @param errorOverrides overrides of the adapter's error classification, first match wins
 * @param keyStrategy this provider's key order; null = {@code switchboard.routing.key-strategy}
 * @param keyFormatCheck {@code false} skips the load-time key format checks (a service that speaks this
 *     provider type's API with keys of its own shape); prefix rules apply only to the official hosts anyway
 */
public record ProviderProperties(
        @Nullable ProviderType type,
        WireFormat format,
        @Nullable String baseUrl,
        @Nullable String defaultModel,
        List<ModelProperties> models,
        int priority,
        boolean enabled,
        boolean autoRoute,
        List<KeyProperties> apiKeys,
        Map<String, String> headers,
        @Nullable Long dailyLimit,
        @Nullable Integer maxConcurrent,
        List<ErrorOverride> errorOverrides,
        RoutingProperties.@Nullable KeyStrategy keyStrategy,
        boolean keyFormatCheck) {

    @ConstructorBinding
    public ProviderProperties(
            @Nullable ProviderType type,
            @DefaultValue("openai") WireFormat format,
            @Nullable String baseUrl,
            @Nullable String defaultModel,
            @DefaultValue List<ModelProperties> models,
            @DefaultValue("100") int priority,
            @DefaultValue("true") boolean enabled,
            @DefaultValue("true") boolean autoRoute,
            @DefaultValue List<KeyProperties> apiKeys,
            @DefaultValue Map<String, String> headers,
            @Nullable Long dailyLimit,
            @Nullable Integer maxConcurrent,
            @DefaultValue List<ErrorOverride> errorOverrides,
            RoutingProperties.@Nullable KeyStrategy keyStrategy,
            @DefaultValue("true") boolean keyFormatCheck) {
        this.type = type;
        this.format = format;
        this.baseUrl = baseUrl;
        this.defaultModel = defaultModel;
        this.models = models;
        this.priority = priority;
        this.enabled = enabled;
        this.autoRoute = autoRoute;
        this.apiKeys = apiKeys;
        this.headers = headers;
        this.dailyLimit = dailyLimit;
        this.maxConcurrent = maxConcurrent;
        this.errorOverrides = errorOverrides;
        this.keyStrategy = keyStrategy;
        this.keyFormatCheck = keyFormatCheck;
    }

    /** A provider whose keys get the format checks. */
    public ProviderProperties(@Nullable ProviderType type, WireFormat format, @Nullable String baseUrl,
            @Nullable String defaultModel, List<ModelProperties> models, int priority, boolean enabled, boolean autoRoute,
            List<KeyProperties> apiKeys, Map<String, String> headers, @Nullable Long dailyLimit,
            @Nullable Integer maxConcurrent, List<ErrorOverride> errorOverrides,
            RoutingProperties.@Nullable KeyStrategy keyStrategy) {
        this(type, format, baseUrl, defaultModel, models, priority, enabled, autoRoute, apiKeys, headers, dailyLimit,
                maxConcurrent, errorOverrides, keyStrategy, true);
    }
}
