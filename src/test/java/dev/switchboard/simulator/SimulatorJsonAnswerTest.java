package dev.switchboard.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SimulatorJsonAnswerTest {

    private final JsonMapper json = JsonMapper.builder().build();

    private JsonNode body(String... roles) {
        StringBuilder messages = new StringBuilder();
        for (String role : roles) {
            messages.append(messages.length() == 0 ? "" : ",").append("{\"role\":\"").append(role)
                    .append("\",\"content\":\"x\"}");
        }
        return json.readTree("{\"messages\":[" + messages + "]}");
    }

    @Test
    void jsonModelsAnswerWithAnObjectMadeFromThePromptInSeveralChunks() {
        List<String> tokens = SimulatorAnswer.tokens("sim-json", body("user"), "Parse this resume of Ada Lovelace", 6);

        assertThat(tokens).hasSizeGreaterThan(3);
        JsonNode answer = json.readTree(String.join("", tokens));
        assertThat(answer.path("excerpt").asString()).isEqualTo("Parse this resume of Ada Lovelace");
        assertThat(answer.path("word_count").asInt()).isEqualTo(6);
        assertThat(answer.path("keywords").toString()).isEqualTo("[\"lovelace\",\"resume\",\"parse\",\"this\"]");
    }

    @Test
    void jsonRepairModelsBreakTheFirstAnswerAndFixItOnceAnAssistantTurnExists() {
        String first = String.join("", SimulatorAnswer.tokens("jsonsim/sim-JSON-repair", body("system", "user"), "hi", 6));
        String repaired = String.join("", SimulatorAnswer.tokens("sim-json-repair", body("user", "assistant", "user"),
                "hi", 6));

        assertThat(first).startsWith("Sure, here is the JSON");
        assertThatThrownBy(() -> json.readTree(first)).isInstanceOf(JacksonException.class);
        assertThat(json.readTree(repaired).path("source").asString()).isEqualTo("switchboard-simulator");
    }

    @Test
    void otherModelsKeepTheFillerText() {
        assertThat(String.join("", SimulatorAnswer.tokens("alpha-1", body("user"), "Say hello", 6)))
                .startsWith("Simulated answer to \u201cSay hello\u201d:");
    }

    @Test
    void chunksNeverSplitASurrogatePair() {
        String text = "a".repeat(15) + "\uD83D\uDE00" + "b";
        assertThat(SimulatorAnswer.chunks(text, 16)).containsExactly("a".repeat(15) + "\uD83D\uDE00", "b");
    }
}
