package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.SentBody;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ModelSpliceTest {

    private static final byte[] NO_FIELDS = new byte[0];

    private final JsonMapper json = JsonMapper.builder().build();

    private String splice(String sent, String model) {
        byte[] out = ModelSplice.replaceModel(json, new SentBody(sent.getBytes(StandardCharsets.UTF_8), -1, -1), model,
                NO_FIELDS);
        return out == null ? null : new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void replacesOnlyTheTopLevelModelAndKeepsEveryOtherByte() {
        String sent = "{ \"messages\":[{\"role\":\"user\",\"content\":\"model: 1.50e1\",\"model\":\"inner\"}],\n"
                + "  \"model\" : \"fastb/bench-model\", \"x_vendor\":{\"weights\":[1.0,2E3]}, \"t\":\"\\u00e9\"}";

        assertThat(splice(sent, "bench-model")).isEqualTo(
                "{ \"messages\":[{\"role\":\"user\",\"content\":\"model: 1.50e1\",\"model\":\"inner\"}],\n"
                        + "  \"model\" : \"bench-model\", \"x_vendor\":{\"weights\":[1.0,2E3]}, \"t\":\"\\u00e9\"}");
    }

    @Test
    void escapesTheNewModelAndReplacesAModelWithEscapesInIt() {
        assertThat(splice("{\"model\":\"a\\\"b\\u00e9\",\"n\":1}", "x\"y/é")).isEqualTo("{\"model\":\"x\\\"y/é\",\"n\":1}");
    }

    @Test
    void splicesAtThePlaceNotedWhenTheBodyWasParsedAndScansWhenNoneWas() {
        String sent = "{\"n\":1, \"model\" : \"a\", \"x\":[\"model\"]}";
        byte[] bytes = sent.getBytes(StandardCharsets.UTF_8);
        int start = sent.indexOf("\"a\"");

        byte[] located = ModelSplice.replaceModel(json, new SentBody(bytes, start, start + 3), "m", NO_FIELDS);
        byte[] scanned = ModelSplice.replaceModel(json, new SentBody(bytes, -1, -1), "m", NO_FIELDS);

        assertThat(new String(located, StandardCharsets.UTF_8)).isEqualTo("{\"n\":1, \"model\" : \"m\", \"x\":[\"model\"]}");
        assertThat(scanned).isEqualTo(located);
    }

    @Test
    void givesUpOnAnythingUnusual() {
        assertThat(splice("{\"model\":\"a\",\"model\":\"b\"}", "m")).as("two models").isNull();
        assertThat(splice("{\"model\":7}", "m")).as("a number").isNull();
        assertThat(splice("{\"messages\":[]}", "m")).as("no model").isNull();
        assertThat(splice("[{\"model\":\"a\"}]", "m")).as("not an object").isNull();
        assertThat(splice("{\"model\":\"a\"} {}", "m")).as("trailing content").isNull();
        assertThat(splice("{\"model\":\"a\"", "m")).as("cut off").isNull();
    }

    @Test
    void putsTheGivenFieldsFirstInTheObjectInTheSameCopyAsTheModel() {
        String sent = " \n{ \"messages\":[{\"role\":\"user\",\"content\":\"{\"}], \"model\":\"a\"}";
        byte[] bytes = sent.getBytes(StandardCharsets.UTF_8);
        int start = sent.indexOf("\"a\"");
        byte[] fields = "\"stream\":true,\"max_tokens\":7,".getBytes(StandardCharsets.UTF_8);

        byte[] located = ModelSplice.replaceModel(json, new SentBody(bytes, start, start + 3), "m", fields);
        byte[] scanned = ModelSplice.replaceModel(json, new SentBody(bytes, -1, -1), "m", fields);

        assertThat(new String(located, StandardCharsets.UTF_8)).isEqualTo(
                " \n{\"stream\":true,\"max_tokens\":7, \"messages\":[{\"role\":\"user\",\"content\":\"{\"}], \"model\":\"m\"}");
        assertThat(scanned).isEqualTo(located);
        assertThat(json.readTree(located).path("max_tokens").asInt()).isEqualTo(7);
    }
}
