package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.ErrorClass;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RequestLogRecorderTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final RequestLogRecorder recorder =
            new RequestLogRecorder(new RequestLogWriter(null, 10, 10, Duration.ofSeconds(1), 1), json);

    @Test
    void theFallbackChainIsJsonThatReadsBackAsTheAttemptsWereWhateverTheirText() {
        String odd = "q\"uote \\ back\tslash\nnew line \u0001 ünï 😀 \u2028";
        List<Attempt> attempts = List.of(
                new Attempt("fast", odd, "m/" + odd, false, ErrorClass.values()[0], 503, "down", 12),
                new Attempt("slow", "slow#1", "bench-model", true, null, 200, null, 34));

        JsonNode chain = json.readTree(recorder.chain(attempts));

        assertThat(chain.size()).isEqualTo(2);
        assertThat(chain.get(0).path("key").asString()).isEqualTo(odd);
        assertThat(chain.get(0).path("model").asString()).isEqualTo("m/" + odd);
        assertThat(chain.get(0).path("error_class").asString()).isEqualTo(ErrorClass.values()[0].code());
        assertThat(chain.get(0).path("status").asInt()).isEqualTo(503);
        assertThat(chain.get(1).path("provider").asString()).isEqualTo("slow");
        assertThat(chain.get(1).path("outcome").asString()).isEqualTo(attempts.get(1).outcome());
        assertThat(chain.get(1).path("latency_ms").asLong()).isEqualTo(34);
        assertThat(chain.get(1).has("error_class")).isFalse();
    }

    @Test
    void aNulInTheDocumentsIsWrittenAsTheEscapedReplacementCharacterSoJsonbTakesThemAsTheyAre() {
        List<Attempt> attempts = List.of(new Attempt("fast", "fast#1", "bad\u0000model", true, null, 200, null, 5));

        byte[] chain = recorder.chain(attempts);

        assertThat(new String(chain, StandardCharsets.UTF_8)).doesNotContain("\\u0000").contains("bad\\ufffdmodel");
        assertThat(json.readTree(chain).get(0).path("model").asString()).isEqualTo("bad\uFFFDmodel");
    }
}
