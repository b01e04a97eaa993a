package dev.switchboard.testsupport;

import dev.switchboard.chat.WireFormat;
import dev.switchboard.config.ErrorOverride;
import dev.switchboard.config.ModelProperties;
import dev.switchboard.config.ProviderType;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.KeyPool;
import dev.switchboard.providers.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Providers for unit tests: keys named {@code <provider>#<n>}, default model {@code <provider>-model}. */
public final class TestProviders {

    private TestProviders() {
    }

    public static Provider provider(String name, int keyCount) {
        return provider(name, keyCount, true);
    }

    /** A provider with explicit models, daily limit, concurrency limit and error overrides. */
    public static Provider custom(String name, int keyCount, List<ModelProperties> models, long dailyLimit,
            int maxConcurrent, List<ErrorOverride> overrides) {
        Provider base = provider(name, keyCount, true);
        return new Provider(name, base.type(), base.format(), base.baseUrl(), models.get(0).name(), models, 100, true,
                true, Map.of(), dailyLimit, maxConcurrent, overrides, base.keys());
    }

    public static Provider provider(String name, int keyCount, boolean autoRoute) {
        return provider(name, keyCount, autoRoute, KeyStrategy.ROUND_ROBIN);
    }

    /** A provider whose pool orders its keys by this strategy. */
    public static Provider provider(String name, int keyCount, boolean autoRoute, KeyStrategy strategy) {
        List<ApiKey> keys = new ArrayList<>();
        for (int i = 1; i <= keyCount; i++) {
            keys.add(new ApiKey(name + "#" + i, "secret-" + name + "-" + i, 100, 0, true));
        }
        return new Provider(name, ProviderType.SIMULATOR, WireFormat.OPENAI, "http://127.0.0.1:9", name + "-model",
                List.of(new ModelProperties(name + "-model", 1, 256, 0), new ModelProperties(name + "-other", 2, null, 0)),
                100, true, autoRoute, Map.of(), 0, 100, List.of(),
                new KeyPool(name, keys, strategy, KeyPool.Remaining.UNKNOWN));
    }
}
