package dev.switchboard.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatMessage;
import dev.switchboard.tasks.templates.TaskDefinition;
import dev.switchboard.tasks.templates.TaskSchema;
import dev.switchboard.tasks.templates.TaskTemplates;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class StrictJsonTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final StrictJson strict = new StrictJson(json);

    private TaskSchema schemaRequiringName() {
        Map<String, TaskDefinition> tasks = new TaskTemplates(json).load(List.of(new TaskTemplates.Source("t", """
                tasks:
                  t:
                    profile: {strict: true}
                    user: "{{ input }}"
                    schema: {type: object, required: [name], properties: {name: {type: string}}}
                """)));
        return tasks.get("t").schema();
    }

    @Test
    void acceptsAnObjectAlsoInsideOneCodeFence() {
        assertThat(strict.check("{\"a\": 1}", null).parsed().path("a").asInt()).isEqualTo(1);
        StrictJson.Verdict fenced = strict.check("```json\n{\"a\": [1, 2]}\n```", null);
        assertThat(fenced.accepted()).isTrue();
        assertThat(fenced.parsed().path("a")).hasSize(2);
        assertThat(strict.check("  [1, 2] ", null).accepted()).isTrue();
    }

    @Test
    void rejectsProseTrailingTextDuplicatesAndScalars() {
        assertThat(strict.check("Sure! {\"a\": 1}", null).failure()).isEqualTo(StrictJson.Failure.INVALID_JSON);
        assertThat(strict.check("{\"a\": 1} hope that helps", null).failure()).isEqualTo(StrictJson.Failure.INVALID_JSON);
        assertThat(strict.check("{\"a\": 1, \"a\": 2}", null).detail()).contains("Duplicate");
        assertThat(strict.check("42", null).detail()).isEqualTo("expected a JSON object or array, got number");
        assertThat(strict.check("", null).detail()).isEqualTo("expected a JSON object or array, got nothing");
        assertThat(strict.check("{\"a\": ", null).detail()).contains("line 1");
    }

    @Test
    void checksTheSchemaAndNamesTheViolation() {
        TaskSchema schema = schemaRequiringName();

        assertThat(strict.check("{\"name\": \"Ada\"}", schema).accepted()).isTrue();
        StrictJson.Verdict missing = strict.check("{\"nome\": \"Ada\"}", schema);
        assertThat(missing.failure()).isEqualTo(StrictJson.Failure.SCHEMA_MISMATCH);
        assertThat(missing.parsed()).isNotNull();
        assertThat(missing.detail()).isEqualTo("/: required property 'name' not found");
        assertThat(strict.check("{\"name\": 7}", schema).detail()).contains("/name");
    }

    @Test
    void theRepairRoundReplaysThePromptThenTheBadAnswerThenWhatToFix() {
        List<ChatMessage> prompt = List.of(new ChatMessage("system", "Be JSON"), new ChatMessage("user", "Parse it"),
                new ChatMessage("assistant", "{"));
        StrictJson.Verdict verdict = strict.check("not json", null);

        List<ChatMessage> repair = strict.repairConversation(prompt, "not json", verdict, schemaRequiringName());

        assertThat(repair).extracting(ChatMessage::role).containsExactly("system", "user", "assistant", "user");
        assertThat(repair.get(2).content()).isEqualTo("not json");
        assertThat(repair.get(3).content()).startsWith("Your previous answer is not valid JSON: ")
                .contains("Reply again with the corrected JSON only").contains("\"required\"");
    }
}
