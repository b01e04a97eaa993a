package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.GatewayIT;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Prompt-cache affinity from outside: a long conversation keeps its key, and the simulator, which caches
 * prompt prefixes per key, reports the cached tokens in each wire format; the gateway reads them into its
 * usage.
 */
@GatewayIT
class AffinityIT {

    @Autowired
    WebTestClient http;

    private JsonNode chat(String provider, String system, String question, String affinity) {
        String body = "{\"provider\":\"" + provider + "\",\"messages\":[{\"role\":\"system\",\"content\":\"" + system
                + "\"},{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
        var spec = http.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON);
        if (affinity != null) {
            spec = spec.header("x-switchboard-affinity", affinity);
        }
        return spec.bodyValue(body).exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult()
                .getResponseBody();
    }

    private static String longSystemPrompt() {
        return ("Context " + UUID.randomUUID() + ". ").repeat(160);
    }

    @Test
    void aLongConversationKeepsItsKeyAndItsPrefixIsReadFromTheCache() {
        String system = longSystemPrompt();
        Set<String> keys = new HashSet<>();
        JsonNode first = chat("affine", system, "First question?", null);
        keys.add(first.path("key").asString());
        assertThat(first.path("usage").path("cached_tokens").asInt()).isZero();
        for (int i = 0; i < 3; i++) {
            JsonNode later = chat("affine", system, "First question?", null);
            keys.add(later.path("key").asString());
            assertThat(later.path("usage").path("cached_tokens").asInt()).as("turn %d", i).isPositive()
                    .isLessThanOrEqualTo(later.path("usage").path("prompt_tokens").asInt());
        }
        assertThat(keys).as("every turn on the key that has the prefix").hasSize(1);
    }

    @Test
    void theAffinityHeaderKeepsShortRequestsTogether() {
        String session = "session-" + UUID.randomUUID();
        Set<String> same = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            same.add(chat("affine", "Be brief.", "Question " + i + "?", session).path("key").asString());
        }
        assertThat(same).hasSize(1);
    }

    @Test
    void cachedTokensAreReadFromTheAnthropicAndGeminiFormatsToo() {
        for (String provider : new String[] {"claude", "gemini"}) {
            String system = longSystemPrompt();
            chat(provider, system, "Hello?", null);
            JsonNode again = chat(provider, system, "Hello?", null);
            assertThat(again.path("usage").path("cached_tokens").asInt()).as(provider).isPositive();
        }
    }
}
