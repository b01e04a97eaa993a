package dev.switchboard.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.GatewayIT;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@GatewayIT
class TaskProcessIT {

    @Autowired
    WebTestClient http;

    @Autowired
    JsonMapper json;

    private WebTestClient.ResponseSpec process(String body) {
        return http.post().uri("/api/v1/brain/process").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private JsonNode ok(String body) {
        return process(body).expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private JsonNode error(String body, int status) {
        return process(body).expectStatus().isEqualTo(status).expectBody(JsonNode.class).returnResult()
                .getResponseBody().path("error");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"generic", "chat"})
    void textTasksAnswerThroughPathA(String taskType) {
        JsonNode record = ok("{\"task_type\":\"" + taskType + "\",\"input_data\":\"Say hello\"}");

        assertThat(record.path("success").asBoolean()).isTrue();
        assertThat(record.path("id").asString()).matches("task_[0-9a-f]{24}");
        assertThat(record.path("task_type").asString()).isEqualTo(taskType);
        assertThat(record.path("input_type").asString()).isEqualTo("text");
        assertThat(record.path("input_data").asString()).isEqualTo("Say hello");
        assertThat(record.path("provider").asString()).isIn("alpha", "beta");
        assertThat(record.path("response").asString()).startsWith("Simulated answer to “Say hello”");
        assertThat(record.path("parsed").isNull()).isTrue();
        assertThat(record.path("usage").path("completion_tokens").asInt()).isEqualTo(6);
        assertThat(record.path("response_time").asDouble()).isPositive();
        assertThat(record.path("error_message").isNull()).isTrue();
        assertThat(record.path("total_attempts").asInt()).isEqualTo(1);
        assertThat(record.path("fallback_chain").get(0).path("outcome").asString()).isEqualTo("ok");
        assertThat(record.path("fallback_chain").get(0).path("key").asString()).matches("(alpha|beta)#\\d");
        assertThat(record.path("metadata").path("path").asString()).isEqualTo("default");
        assertThat(record.path("metadata").path("stored").asBoolean()).isTrue();
        assertThat(record.toString()).doesNotContain("sim-ok");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"resume_parsing", "jd_parsing"})
    void parsingTasksReturnTheParsedJsonNextToTheRawText(String taskType) {
        JsonNode record = ok("{\"task_type\":\"" + taskType + "\",\"preferred_provider\":\"jsonsim\","
                + "\"input_data\":\"Ada Lovelace, analyst, London. Skills: mathematics, engines.\"}");

        assertThat(record.path("success").asBoolean()).isTrue();
        assertThat(record.path("provider").asString()).isEqualTo("jsonsim");
        assertThat(record.path("model").asString()).isEqualTo("sim-json");
        assertThat(json.readTree(record.path("response").asString())).isEqualTo(record.path("parsed"));
        assertThat(record.path("parsed").path("source").asString()).isEqualTo("switchboard-simulator");
        assertThat(record.path("metadata").path("strict").asBoolean()).isTrue();
        assertThat(record.path("metadata").path("repaired").asBoolean()).isFalse();
        assertThat(record.path("metadata").path("rounds").asInt()).isEqualTo(1);
    }

    /**
     * The same model the next test repairs, on a provider whose models have structured output: the task's
     * schema goes upstream as {@code response_format}, so the first answer is already valid.
     */
    @Test
    void aStrictTaskOnAModelWithStructuredOutputNeedsNoRepairRound() {
        JsonNode record = ok("{\"task_type\":\"resume_parsing\",\"model\":\"alpha/sim-json-repair\","
                + "\"input_data\":\"Grace Hopper, rear admiral\"}");

        assertThat(record.path("success").asBoolean()).isTrue();
        assertThat(record.path("parsed").isObject()).isTrue();
        assertThat(record.path("metadata").path("repaired").asBoolean()).isFalse();
        assertThat(record.path("metadata").path("rounds").asInt()).isEqualTo(1);
        assertThat(record.path("fallback_chain").findValuesAsString("round")).containsExactly("answer");
    }

    @Test
    void aStrictTaskWhoseFirstAnswerIsInvalidJsonIsRepairedOnTheSameModel() {
        JsonNode record = ok("{\"task_type\":\"resume_parsing\",\"model\":\"sim-json-repair\","
                + "\"input_data\":\"Grace Hopper, rear admiral\"}");

        assertThat(record.path("success").asBoolean()).isTrue();
        assertThat(record.path("parsed").path("source").asString()).isEqualTo("switchboard-simulator");
        assertThat(record.path("metadata").path("repaired").asBoolean()).isTrue();
        assertThat(record.path("metadata").path("rounds").asInt()).isEqualTo(2);
        assertThat(record.path("metadata").path("repair").path("reason").asString()).isEqualTo("invalid_json");
        assertThat(record.path("fallback_chain").findValuesAsString("round")).containsExactly("answer", "repair");
        assertThat(record.path("fallback_chain").findValuesAsString("model")).containsOnly("sim-json-repair");
        assertThat(record.path("total_attempts").asInt()).isEqualTo(2);
        assertThat(record.path("usage").path("completion_tokens").asInt())
                .isGreaterThan(record.path("response").asString().length() / 16);
    }

    @Test
    void aStrictTaskThatStaysInvalidFailsClearlyAndIsStored() {
        JsonNode record = ok("{\"task_type\":\"jd_parsing\",\"model\":\"alpha/alpha-text\",\"input_data\":\"Engineer\"}");

        assertThat(record.path("success").asBoolean()).isFalse();
        assertThat(record.path("error_message").asString())
                .startsWith("The answer is not valid JSON, also after one repair round: ");
        assertThat(record.path("metadata").path("error_code").asString()).isEqualTo("invalid_json");
        assertThat(record.path("response").asString()).startsWith("Simulated answer");
        assertThat(record.path("parsed").isNull()).isTrue();
        assertThat(record.path("fallback_chain").findValuesAsString("provider")).containsOnly("alpha");
        assertThat(record.path("fallback_chain").findValuesAsString("round")).containsExactly("answer", "repair");

        JsonNode stored = http.get().uri("/api/v1/brain/results/{id}", record.path("id").asString()).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(stored.path("success").asBoolean()).isFalse();
        assertThat(stored.path("error_message").asString()).isEqualTo(record.path("error_message").asString());
    }

    @Test
    void anAnswerThatBreaksTheTaskSchemaFailsWithTheViolation() {
        JsonNode record = ok("{\"task_type\":\"contact_card\",\"model\":\"jsonsim/sim-json\",\"input_data\":\"Ada\"}");

        assertThat(record.path("success").asBoolean()).isFalse();
        assertThat(record.path("metadata").path("error_code").asString()).isEqualTo("schema_mismatch");
        assertThat(record.path("error_message").asString())
                .startsWith("The answer does not match the task's JSON schema, also after one repair round: ")
                .contains("full_name");
        assertThat(record.path("parsed").path("source").asString()).isEqualTo("switchboard-simulator");
        assertThat(record.path("total_attempts").asInt()).isEqualTo(2);
    }

    @Test
    void inputWithNulCharactersIsAnsweredAndStoredWithReplacementCharacters() {
        JsonNode record = ok("{\"task_type\":\"generic\",\"input_data\":\"before\\u0000after\"}");

        assertThat(record.path("success").asBoolean()).isTrue();
        assertThat(record.path("metadata").path("stored").asBoolean()).isTrue();
        JsonNode stored = http.get().uri("/api/v1/brain/results/{id}", record.path("id").asString()).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(stored.path("id").asString()).isEqualTo(record.path("id").asString());
        assertThat(stored.path("metadata").path("stored").asBoolean()).isTrue();
    }

    @Test
    void thePreferredProviderGoesFirst() {
        for (int i = 0; i < 2; i++) {
            JsonNode record = ok("{\"task_type\":\"generic\",\"preferred_provider\":\"beta\",\"input_data\":\"hi\"}");
            assertThat(record.path("provider").asString()).isEqualTo("beta");
            assertThat(record.path("fallback_chain").get(0).path("provider").asString()).isEqualTo("beta");
        }
    }

    @Test
    void aFailingPreferredProviderFallsBackToTheNormalOrder() {
        JsonNode record = ok("{\"task_type\":\"generic\",\"preferred_provider\":\"allfail\",\"input_data\":\"hi\"}");

        assertThat(record.path("success").asBoolean()).isTrue();
        assertThat(record.path("provider").asString()).isIn("alpha", "beta");
        List<String> providers = new ArrayList<>(record.path("fallback_chain").findValuesAsString("provider"));
        assertThat(providers.get(providers.size() - 1)).isIn("alpha", "beta");
        // Tried first unless its keys are cooling down: allfail entries may only come before the others.
        assertThat(String.join(",", providers)).matches("(allfail,)*(alpha|beta)");
        assertThat(record.path("total_attempts").asInt()).isEqualTo(providers.size());
    }

    @Test
    void whenEveryProviderFailsTheTaskIsStoredAndAnsweredWithSuccessFalse() {
        JsonNode record = ok("{\"task_type\":\"generic\",\"model\":\"allfail/af-1\",\"input_data\":\"hi\"}");

        assertThat(record.path("success").asBoolean()).isFalse();
        assertThat(record.path("metadata").path("error_code").asString()).isEqualTo("all_keys_failed");
        assertThat(record.path("provider").asString()).isEqualTo("allfail");
        assertThat(record.path("fallback_chain").findValuesAsString("outcome")).containsOnly("error");
        assertThat(record.path("fallback_chain").findValuesAsString("error_class")).isSubsetOf("server_error", "overloaded");
        assertThat(record.path("total_attempts").asInt()).isEqualTo(2);
        assertThat(record.path("metadata").path("stored").asBoolean()).isTrue();
    }

    @Test
    void requestVariablesReachTheTemplates() {
        JsonNode record = ok("{\"task_type\":\"greet\",\"input_data\":\"Ada\","
                + "\"variables\":{\"greeting\":\"Bonjour\",\"language\":\"French\"}}");

        assertThat(record.path("response").asString()).isEqualTo("Simulated answer to “Bonjour French: Ada”:");
    }

    @Test
    void aStoredRecordReadsBackAsItWasAnswered() {
        JsonNode answered = ok("{\"task_type\":\"resume_parsing\",\"preferred_provider\":\"jsonsim\",\"input_data\":\"Ada\"}");

        JsonNode stored = http.get().uri("/api/v1/brain/results/{id}", answered.path("id").asString()).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();

        for (String field : List.of("id", "success", "task_type", "input_type", "input_data", "provider", "model",
                "response", "parsed", "usage", "response_time", "error_message", "fallback_chain", "total_attempts")) {
            assertThat(stored.path(field)).as(field).isEqualTo(answered.path(field));
        }
        assertThat(stored.path("metadata")).isEqualTo(answered.path("metadata"));
    }

    @Test
    void anUnknownResultIsA404InTheErrorShape() {
        JsonNode error = http.get().uri("/api/v1/brain/results/task_nope").exchange()
                .expectStatus().isNotFound().expectBody(JsonNode.class).returnResult().getResponseBody().path("error");

        assertThat(error.path("code").asString()).isEqualTo("result_not_found");
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
        "{\"task_type\":\"nope\",\"input_data\":\"x\"}|unknown_task_type|unknown task type",
        "{\"input_data\":\"x\"}|task_type_required|no task type",
        "{\"task_type\":\"generic\",\"input_data\":\"  \"}|input_required|blank input",
        "{\"task_type\":\"generic\",\"input_data\":\"x\",\"max_tokens\":0}|invalid_max_tokens|max_tokens 0",
        "{\"task_type\":\"generic\",\"input_data\":\"x\",\"variables\":{\"bad name\":1}}|invalid_variable|bad variable",
        "{\"task_type\":\"generic\",\"input_data\":\"x\",\"preferred_provider\":\"nope\"}|provider_not_found|unknown provider",
        "{\"task_type\":\"generic\",\"input_data\":\"x\",\"model\":\"gpt-unknown\"}|model_not_found|unknown model",
        "{\"task_type\":\"generic\"|invalid_json|malformed JSON"})
    void badRequestsAre400sAndReachNoProvider(String body, String code, String name) {
        JsonNode error = error(body, 400);

        assertThat(error.path("code").asString()).isEqualTo(code);
        assertThat(error.path("message").asString()).isNotBlank();
    }

    @Test
    void theTaskTypesAreListedWithTheirProfiles() {
        JsonNode body = http.get().uri("/api/v1/brain/tasks").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(body.path("tasks").findValuesAsString("name"))
                .contains("generic", "chat", "resume_parsing", "jd_parsing", "contact_card", "greet")
                .doesNotContain("structured_extraction");
        JsonNode resume = body.path("tasks").get(body.path("tasks").findValuesAsString("name").indexOf("resume_parsing"));
        assertThat(resume.path("profile").path("strict").asBoolean()).isTrue();
        assertThat(resume.path("has_schema").asBoolean()).isTrue();
        assertThat(resume.path("lineage").toString()).isEqualTo("[\"resume_parsing\",\"structured_extraction\",\"generic\"]");
    }
}
