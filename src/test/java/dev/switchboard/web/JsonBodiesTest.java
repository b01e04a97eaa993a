package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.chat.GatewayException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class JsonBodiesTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final JsonBodies bodies = new JsonBodies(json);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String span(byte[] body, JsonBodies.LocatedObject located) {
        return new String(body, located.start(), located.end() - located.start(), StandardCharsets.UTF_8);
    }

    @Test
    void parsesAnObjectAndLocatesItsTopLevelModelInTheSamePass() {
        byte[] body = bytes("{ \"messages\":[{\"role\":\"user\",\"content\":\"é \\\"model\\\"\",\"model\":\"inner\"}],\n"
                + "  \"x\":{\"model\":\"deeper\"}, \"model\" : \"fastb/b\\u00e9nch\", \"n\":1.50e1}");

        JsonBodies.LocatedObject located = bodies.parseObjectLocating(body, "model");

        assertThat(located.object()).isEqualTo(bodies.parse(body, ObjectNode.class));
        assertThat(span(body, located)).isEqualTo("\"fastb/b\\u00e9nch\"");
        assertThat(located.object().path("model").asString()).isEqualTo("fastb/bénch");
    }

    @Test
    void leavesThePlaceUnknownWhenTheModelIsMissingRepeatedOrNotAString() {
        for (String sent : new String[] {"{\"messages\":[]}", "{\"model\":\"a\",\"model\":\"b\"}",
                "{\"model\":7}", "{\"model\":null}", "{\"model\":{\"id\":\"a\"}}", "{\"model\":[\"a\"]}",
                "{\"model\":\"a\",\"model\":[]}", "{\"messages\":[{\"model\":\"a\"}]}"}) {
            byte[] body = bytes(sent);

            JsonBodies.LocatedObject located = bodies.parseObjectLocating(body, "model");

            assertThat(located.start()).as(sent).isEqualTo(-1);
            assertThat(located.end()).as(sent).isEqualTo(-1);
            assertThat(located.object()).as(sent).isEqualTo(bodies.parse(body, ObjectNode.class));
        }
    }

    @Test
    void refusesBadBodiesWithTheSameErrorsAsEveryOtherSurface() {
        for (String sent : new String[] {"", "{\"model\":\"a\"", "[{\"model\":\"a\"}]", "\"model\"", "{\"model\":tru}",
                "{\"model\":\"a\"} {\"model\":\"b\"}"}) {
            byte[] body = bytes(sent);
            GatewayException expected = catchThrowableOfType(GatewayException.class,
                    () -> bodies.parse(body, ObjectNode.class));
            assertThat(expected).as(sent).isNotNull();

            assertThatThrownBy(() -> bodies.parseObjectLocating(body, "model")).as(sent)
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.code()).isEqualTo(expected.code());
                        assertThat(e.getMessage()).isEqualTo(expected.getMessage());
                    });
        }
    }

    @Test
    void readsTheBodyWithTheMappersOwnSettings() {
        JsonMapper lenient = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();
        byte[] body = bytes("{'model':'fastb/bench','max_tokens':16}");

        JsonBodies.LocatedObject located = new JsonBodies(lenient).parseObjectLocating(body, "model");

        assertThat(located.object().path("model").asString()).isEqualTo("fastb/bench");
        assertThat(located.object().path("max_tokens").asInt()).isEqualTo(16);
        assertThatThrownBy(() -> bodies.parseObjectLocating(body, "model"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
    }
}
