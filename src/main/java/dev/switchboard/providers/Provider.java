package dev.switchboard.providers;

import dev.switchboard.chat.WireFormat;
import dev.switchboard.config.ErrorOverride;
import dev.switchboard.config.ModelProperties;
import dev.switchboard.config.ProviderType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A configured, validated provider with its key pool.
 *
 * @param baseUrl resolved API root (for simulators: the running simulator's URL)
 * @param models models by priority, the default model included, disabled ones too (see {@link #model})
 * @param dailyLimit calls per UTC day for the whole provider, 0 = unlimited
 * @param maxConcurrent concurrent upstream calls allowed (bulkhead)
 * @param keyFormatCheck whether its keys get the load-time format checks
 */
public record Provider(
        String name,
        ProviderType type,
        WireFormat format,
        String baseUrl,
        String defaultModel,
        List<ModelProperties> models,
        int priority,
        boolean enabled,
        boolean autoRoute,
        Map<String, String> headers,
        long dailyLimit,
        int maxConcurrent,
        List<ErrorOverride> errorOverrides,
        KeyPool keys,
        boolean keyFormatCheck) {

    /** A provider whose keys get the format checks. */
    public Provider(String name, ProviderType type, WireFormat format, String baseUrl, String defaultModel,
            List<ModelProperties> models, int priority, boolean enabled, boolean autoRoute, Map<String, String> headers,
            long dailyLimit, int maxConcurrent, List<ErrorOverride> errorOverrides, KeyPool keys) {
        this(name, type, format, baseUrl, defaultModel, models, priority, enabled, autoRoute, headers, dailyLimit,
                maxConcurrent, errorOverrides, keys, true);
    }

    /** The configured model of this name, unless it is disabled ({@code enabled: false}). */
    public Optional<ModelProperties> model(String modelName) {
        for (ModelProperties m : models) {
            if (m.name().equals(modelName) && m.enabled()) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    public boolean serves(String modelName) {
        return model(modelName).isPresent();
    }

    /** Whether the model is configured here with {@code enabled: false}: out of routing. */
    public boolean modelDisabled(String modelName) {
        for (ModelProperties m : models) {
            if (m.name().equals(modelName) && !m.enabled()) {
                return true;
            }
        }
        return false;
    }

    /** The models that may be routed to, by priority. */
    public List<ModelProperties> enabledModels() {
        return models.stream().filter(ModelProperties::enabled).toList();
    }

    @Override
    public String toString() {
        return name;
    }
}
