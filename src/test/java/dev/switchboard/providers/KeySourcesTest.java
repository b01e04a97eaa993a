package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.KeyProperties;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeySourcesTest {

    private static KeySources sources(Map<String, String> env) {
        return new KeySources(env::get, env.keySet());
    }

    @Test
    void readsCommaListNumberedAndSingleKeysInThatOrder() {
        Map<String, String> env = new HashMap<>();
        env.put("OPEN_ROUTER_API_KEYS", " k1 , k2,,");
        env.put("OPEN_ROUTER_API_KEY_7", "k7");
        env.put("OPEN_ROUTER_API_KEY_2", "k2b");
        env.put("OPEN_ROUTER_API_KEY", "single");

        List<ApiKey> keys = sources(env).load("open-router", List.of());

        assertThat(keys).extracting(ApiKey::secret).containsExactly("k1", "k2", "k2b", "k7", "single");
        assertThat(keys).extracting(ApiKey::alias)
                .containsExactly("open-router#1", "open-router#2", "open-router#3", "open-router#4", "open-router#5");
    }

    @Test
    void numberedKeysNeedNoContiguousNumbers() {
        Map<String, String> env = Map.of("GROQ_API_KEY_3", "c", "GROQ_API_KEY_10", "j", "GROQ_API_KEY_1", "a");

        assertThat(sources(env).load("groq", List.of())).extracting(ApiKey::secret).containsExactly("a", "c", "j");
    }

    @Test
    void duplicatesAreDroppedFirstOneWins() {
        Map<String, String> env = Map.of("GROQ_API_KEYS", "a,b,a", "GROQ_API_KEY", "b", "MY_KEY", "a");

        List<ApiKey> keys = sources(env).load("groq",
                List.of(new KeyProperties("MY_KEY", null, "named", 1, 0, true)));

        assertThat(keys).extracting(ApiKey::secret).containsExactly("a", "b");
    }

    @Test
    void explicitKeysKeepTheirNamePriorityAndLimit() {
        Map<String, String> env = Map.of("XAI_PROD", "xai-secret");

        List<ApiKey> keys = sources(env).load("xai", List.of(
                new KeyProperties("XAI_PROD", null, "xai-prod", 3, 500, true),
                new KeyProperties(null, "literal", null, 100, 0, false)));

        assertThat(keys).hasSize(2);
        assertThat(keys.get(0)).isEqualTo(new ApiKey("xai-prod", "xai-secret", 3, 500, true));
        assertThat(keys.get(1).alias()).isEqualTo("xai#2");
        assertThat(keys.get(1).enabled()).isFalse();
    }

    @Test
    void missingKeyEnvFailsNamingTheProviderAndFieldButNotTheKey() {
        Map<String, String> env = Map.of("GROQ_API_KEY", "gsk_very_secret_value");

        assertThatThrownBy(() -> sources(env).load("groq",
                List.of(new KeyProperties("GROQ_SECOND", null, null, 100, 0, true))))
                .hasMessageContaining("switchboard.providers.groq.api-keys[0].key-env")
                .hasMessageContaining("GROQ_SECOND")
                .hasMessageNotContaining("gsk_very_secret_value");
    }

    @Test
    void keyEnvAndLiteralKeyTogetherAreRejected() {
        assertThatThrownBy(() -> sources(Map.of("A", "x")).load("p",
                List.of(new KeyProperties("A", "y", null, 100, 0, true))))
                .hasMessageContaining("switchboard.providers.p.api-keys[0]: set either key-env or key");
    }

    @Test
    void seed001sKeyNamesAreAliasesWithTheUnnumberedKeyAsThePrimaryOne() {
        Map<String, String> env = Map.of("OPENROUTER_API_KEY", "primary", "OPENROUTER_KEY_2", "second",
                "OPENROUTER_KEY_3", "backup");

        assertThat(sources(env).load("openrouter", List.of())).extracting(ApiKey::secret)
                .containsExactly("primary", "second", "backup");
    }

    @Test
    void bothNumberedFormsMixSortedByNumberTheApiKeyFormFirstAtTheSameNumber() {
        Map<String, String> env = Map.of("GROQ_API_KEY_1", "a1", "GROQ_KEY_1", "k1", "GROQ_KEY_2", "k2",
                "GROQ_API_KEY_3", "a3", "GROQ_API_KEY", "single");

        assertThat(sources(env).load("groq", List.of())).extracting(ApiKey::secret)
                .containsExactly("a1", "k1", "k2", "a3", "single");
    }

    @Test
    void seed003sChatModelVariableSetsTheDefaultModel() {
        KeySources env = sources(Map.of("GROQ_CHAT_MODEL", " llama3-8b-8192 "));

        assertThat(env.chatModel("groq")).isEqualTo("llama3-8b-8192");
        assertThat(env.chatModel("gemini")).isNull();
    }

    @Test
    void aKeyListedByItsVariableInApiKeysKeepsItsSettingsThoughTheVariableIsReadToo() {
        Map<String, String> env = Map.of("OPENROUTER_API_KEY", "primary", "OPENROUTER_KEY_2", "second");

        List<ApiKey> keys = sources(env).load("openrouter",
                List.of(new KeyProperties("OPENROUTER_KEY_2", null, "secondary_key", 2, 500, true)));

        assertThat(keys).extracting(ApiKey::alias).containsExactly("openrouter#1", "secondary_key");
        assertThat(keys.get(1).priority()).isEqualTo(2);
        assertThat(keys.get(1).dailyLimit()).isEqualTo(500);
    }
}
