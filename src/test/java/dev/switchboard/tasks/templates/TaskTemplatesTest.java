package dev.switchboard.tasks.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.chat.NameLimits;
import dev.switchboard.chat.ProviderOrder;
import dev.switchboard.chat.RoutePreference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class TaskTemplatesTest {

    private final TaskTemplates templates = new TaskTemplates(JsonMapper.builder().build());

    private Map<String, TaskDefinition> load(String yaml) {
        return templates.load(List.of(new TaskTemplates.Source("test.yml", yaml)));
    }

    private static String builtin() throws IOException {
        try (InputStream in = TaskTemplatesTest.class.getResourceAsStream("/tasks/templates.yml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static TaskTemplateException problemsOf(Runnable load) {
        try {
            load.run();
        } catch (TaskTemplateException e) {
            return e;
        }
        throw new AssertionError("expected the templates to be rejected");
    }

    @Test
    void builtInTemplatesDefineTheFourTaskTypesAndHideAbstractOnes() throws IOException {
        Map<String, TaskDefinition> tasks = templates.load(List.of(new TaskTemplates.Source("builtin", builtin())));

        assertThat(tasks).containsOnlyKeys("generic", "chat", "resume_parsing", "jd_parsing");
        TaskDefinition resume = tasks.get("resume_parsing");
        assertThat(resume.lineage()).containsExactly("resume_parsing", "structured_extraction", "generic");
        assertThat(resume.profile().strict()).isTrue();
        assertThat(resume.profile().outputFormat()).isEqualTo("json");
        assertThat(resume.schema()).isNotNull();
        assertThat(resume.maxTokens()).isEqualTo(2048);
        assertThat(tasks.get("chat").profile().strict()).isFalse();
    }

    @Test
    void aChildInheritsPartsAndProfileFieldsItDoesNotSet() {
        Map<String, TaskDefinition> tasks = load("""
                tasks:
                  parent:
                    profile: {role: a poet, expertise: [rhyme, metre], output_format: markdown}
                    system: "You are {{ profile.role }} ({{ profile.expertise | join(', ') }}), writing {{ profile.output_format }}."
                    user: "Parent: {{ input }}"
                  child:
                    base: parent
                    profile: {role: a critic}
                    user: "Child {{ task }} on {{ input_type }}: {{ input }} in {{ language }}"
                """);

        List<ChatMessage> messages = tasks.get("child").render(
                new PromptInput("the text", "text", null, Map.of("language", "French", "input", "ignored")));

        assertThat(messages).containsExactly(
                new ChatMessage("system", "You are a critic (rhyme, metre), writing markdown."),
                new ChatMessage("user", "Child child on text: the text in French"));
    }

    @Test
    void partsBecomeMessagesInOrderAndBlankPartsAreLeftOut() {
        Map<String, TaskDefinition> tasks = load("""
                tasks:
                  ordered:
                    assistant: "{"
                    user: "{{ input }}"
                    developer: "{% if variables.extra %}Extra: {{ variables.extra }}{% endif %}"
                    system: "System"
                """);

        assertThat(tasks.get("ordered").render(new PromptInput("in", "text", null, Map.of())))
                .extracting(ChatMessage::role).containsExactly("system", "user", "assistant");
        assertThat(tasks.get("ordered").render(new PromptInput("in", "text", null, Map.of("extra", "yes"))))
                .extracting(ChatMessage::content).containsExactly("System", "Extra: yes", "in", "{");
    }

    @Test
    void strictTurnsTheOutputFormatToJson() {
        TaskDefinition task = load("""
                tasks:
                  s:
                    profile: {strict: true}
                    user: "{{ input }}"
                """).get("s");

        assertThat(task.profile().outputFormat()).isEqualTo("json");
        assertThat(task.profile().expectsJson()).isTrue();
    }

    @Test
    void aSyntaxErrorNamesTheTaskAndThePart() {
        TaskTemplateException e = problemsOf(() -> load("""
                tasks:
                  broken:
                    system: "fine"
                    user: "{% if input %}never closed"
                """));

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.task()).isEqualTo("broken");
            assertThat(p.part()).isEqualTo("user");
        });
        assertThat(e.getMessage()).startsWith("task 'broken', part 'user': template syntax error");
    }

    @Test
    void imagesAreReadByOcrUnlessATaskOrItsBaseSendsThemToAVisionModel() {
        Map<String, TaskDefinition> tasks = load("""
                tasks:
                  plain: {user: "{{ input }}"}
                  looker: {images: vision, user: "Describe: {{ input }}"}
                  heir: {base: looker}
                  reader: {base: looker, images: ocr}
                """);

        assertThat(tasks.get("plain").images()).isEqualTo("ocr");
        assertThat(tasks.get("plain").imagesToModel()).isFalse();
        assertThat(tasks.get("looker").imagesToModel()).isTrue();
        assertThat(tasks.get("heir").imagesToModel()).isTrue();
        assertThat(tasks.get("reader").imagesToModel()).isFalse();
    }

    @Test
    void anUnknownImagesSettingNamesTheTaskAndTheChoices() {
        TaskTemplateException e = problemsOf(() -> load("""
                tasks:
                  squint: {images: telescope, user: "{{ input }}"}
                """));

        assertThat(e.getMessage()).contains("task 'squint', part 'images': 'telescope' is not one of ocr, vision");
    }

    @Test
    void anUnknownBaseAndACycleAreReportedTogether() {
        TaskTemplateException e = problemsOf(() -> load("""
                tasks:
                  orphan: {base: nowhere, user: "{{ input }}"}
                  a: {base: b, user: "{{ input }}"}
                  b: {base: a}
                """));

        assertThat(e.getMessage())
                .contains("task 'orphan', part 'base': unknown base task 'nowhere'")
                .contains("task 'a', part 'base': inheritance cycle a -> b -> a");
    }

    @Test
    void missingUserPartUnknownFieldsAndBadProfilesAreRejected() {
        TaskTemplateException e = problemsOf(() -> load("""
                tasks:
                  nouser: {system: "only a system part"}
                  typo: {sytem: "x", user: "{{ input }}"}
                  format: {profile: {output_format: yaml}, user: "{{ input }}"}
                  loose: {profile: {output_format: json}, schema: {type: object}, user: "{{ input }}"}
                """));

        assertThat(e.getMessage())
                .contains("task 'nouser', part 'user': missing")
                .contains("task 'typo', part 'sytem': unknown field")
                .contains("task 'format', part 'profile': output_format 'yaml'")
                .contains("task 'loose', part 'schema': a schema needs a strict profile");
    }

    @Test
    void anInvalidSchemaIsRejected() {
        TaskTemplateException e = problemsOf(() -> load("""
                tasks:
                  bad:
                    profile: {strict: true}
                    user: "{{ input }}"
                    schema: {type: 12}
                """));

        assertThat(e.getMessage()).startsWith("task 'bad', part 'schema': not a valid JSON schema");
    }

    @Test
    void brokenYamlAndAMissingTasksKeyNameTheFile() {
        assertThat(problemsOf(() -> load("tasks: [unclosed")).getMessage()).startsWith("templates 'test.yml': not valid YAML");
        assertThat(problemsOf(() -> load("other: {}")).getMessage())
                .isEqualTo("templates 'test.yml': needs a 'tasks' mapping at the top");
    }

    @Test
    void aLaterSourceReplacesATaskAndMayInheritFromAnEarlierOne() throws IOException {
        Map<String, TaskDefinition> tasks = templates.load(List.of(
                new TaskTemplates.Source("builtin", builtin()),
                new TaskTemplates.Source("custom", """
                        tasks:
                          chat: {base: generic, user: "Custom chat: {{ input }}"}
                          invoice_parsing:
                            base: structured_extraction
                            user: "Invoice: {{ input }}"
                        """)));

        assertThat(tasks).containsKeys("chat", "invoice_parsing", "resume_parsing");
        assertThat(tasks.get("chat").render(new PromptInput("hi", "text", null, Map.of())))
                .last().extracting(ChatMessage::content).isEqualTo("Custom chat: hi");
        assertThat(tasks.get("invoice_parsing").profile().strict()).isTrue();
    }

    @Test
    void aRenderFailureAtRequestTimeIsA422NamingTaskAndPart() {
        TaskDefinition task = load("""
                tasks:
                  math:
                    user: "{{ input }} {{ 10 / divisor }}"
                """.replace("divisor", "(variables.d is null ? 1 : variables.d)")).get("math");

        assertThatThrownBy(() -> task.render(new PromptInput("x", "text", null, Map.of("d", 0))))
                .isInstanceOf(GatewayException.class)
                .hasMessageStartingWith("task 'math', part 'user' could not be rendered");
    }

    @Test
    void seed000sTaskRoutingIsReadAndInheritedFieldByField() {
        Map<String, TaskDefinition> tasks = load("""
                tasks:
                  routed_base:
                    abstract: true
                    user: "{{ input }}"
                    default_provider: openrouter
                    default_model: x-ai/grok-4.1-fast:free
                    fallback_providers: [gemini, groq]
                  chat:
                    base: routed_base
                    provider_order: priority
                  other:
                    base: routed_base
                    default_provider: groq
                    default_model: llama3-8b-8192
                    fallback_providers: gemini
                """);

        TaskRouting chat = tasks.get("chat").routing();
        assertThat(chat).isEqualTo(new TaskRouting("openrouter", "x-ai/grok-4.1-fast:free", List.of("gemini", "groq"),
                ProviderOrder.PRIORITY));
        assertThat(chat.preference()).isEqualTo(new RoutePreference(List.of("openrouter", "gemini", "groq"),
                "x-ai/grok-4.1-fast:free", true, ProviderOrder.PRIORITY));
        assertThat(tasks.get("other").routing().preference()).isEqualTo(new RoutePreference(List.of("groq", "gemini"),
                "llama3-8b-8192", true, null));
    }

    @Test
    void aTaskWithoutRoutingAsksNothingOfPathAAndOneWithoutFallbacksLetsTheOthersFollow() {
        Map<String, TaskDefinition> tasks = load("""
                tasks:
                  plain: {user: "{{ input }}"}
                  first: {user: "{{ input }}", default_provider: beta}
                """);

        assertThat(tasks.get("plain").routing().preference()).isNull();
        assertThat(tasks.get("first").routing().preference()).isEqualTo(new RoutePreference(List.of("beta"), null,
                false, null));
    }

    @Test
    void routingThatCannotWorkIsRejectedNamingTheField() {
        TaskTemplateException e = problemsOf(() -> load("""
                tasks:
                  order: {user: "{{ input }}", provider_order: fastest}
                  orphan_model: {user: "{{ input }}", default_model: gpt-4o}
                  long_model: {user: "{{ input }}", default_provider: groq, default_model: %s}
                  child: {base: order, user: "{{ input }}"}
                """.formatted("m".repeat(NameLimits.MODEL + 1))));

        assertThat(e.getMessage())
                .contains("task 'order', part 'provider_order': 'fastest' is not one of round-robin, priority")
                .contains("task 'orphan_model', part 'default_model': needs default_provider")
                .contains("task 'long_model', part 'default_model': at most 200 characters");
        assertThat(e.problems().stream().filter(p -> "provider_order".equals(p.part()))).hasSize(1);
    }
}
