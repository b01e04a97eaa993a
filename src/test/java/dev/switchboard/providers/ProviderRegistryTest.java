package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.WireFormat;
import dev.switchboard.config.ProviderProperties;
import dev.switchboard.config.ProviderType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderRegistryTest {

    private static ProviderProperties properties(ProviderType type, WireFormat format, String baseUrl) {
        return new ProviderProperties(type, format, baseUrl, "m", List.of(), 100, true, true, List.of(), Map.of(), null,
                null, List.of(), null);
    }

    @ParameterizedTest(name = "{0} {2}")
    @CsvSource({
        "OPENAI, OPENAI, https://api.groq.com/openai/v1/, https://api.groq.com/openai/v1",
        "OPENAI, OPENAI, https://openrouter.ai/api/v1, https://openrouter.ai/api/v1",
        "ANTHROPIC, OPENAI, https://api.anthropic.com, https://api.anthropic.com/v1",
        "ANTHROPIC, OPENAI, https://api.anthropic.com/v1/, https://api.anthropic.com/v1",
        "GEMINI, OPENAI, https://generativelanguage.googleapis.com, https://generativelanguage.googleapis.com/v1beta",
        "GEMINI, OPENAI, https://generativelanguage.googleapis.com/v1, https://generativelanguage.googleapis.com/v1",
        "SIMULATOR, OPENAI, , http://127.0.0.1:9100/v1",
        "SIMULATOR, ANTHROPIC, , http://127.0.0.1:9100/v1",
        "SIMULATOR, GEMINI, , http://127.0.0.1:9100/v1beta"
    })
    void resolvesEachTypesApiRoot(ProviderType type, WireFormat format, String configured, String expected) {
        ProviderProperties p = properties(type, format, configured);

        assertThat(ProviderRegistry.baseUrl(p, "http://127.0.0.1:9100")).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"OPENAI, GEMINI, OPENAI", "ANTHROPIC, OPENAI, ANTHROPIC", "GEMINI, OPENAI, GEMINI",
        "SIMULATOR, ANTHROPIC, ANTHROPIC"})
    void theTypeDecidesTheWireFormatExceptForSimulators(ProviderType type, WireFormat format, WireFormat expected) {
        assertThat(ProviderRegistry.formatOf(properties(type, format, "https://x"))).isEqualTo(expected);
    }
}
