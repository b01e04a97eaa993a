package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.when;

import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.chat.Surface;
import dev.switchboard.routing.RequestRun;
import dev.switchboard.routing.RoutePlan;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
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

    @Test
    void aFinishReasonOrErrorMessageLongerThanItsColumnIsCutSoTheDatabaseDoesNotRefuseTheRow() {
        RoutePlan plan = Mockito.mock(RoutePlan.class);
        when(plan.path()).thenReturn(RoutePath.MODEL);
        RequestRun run = Mockito.mock(RequestRun.class);
        when(run.command()).thenReturn(ChatCommand.builder("req-long", Surface.SYNC,
                List.of(new ChatMessage("user", "hi"))).build());
        when(run.plan()).thenReturn(plan);
        when(run.outcomeCode()).thenReturn("success");
        when(run.attempts()).thenReturn(List.of());
        when(run.route()).thenReturn(new RouteInfo("fast", "fast#1", "m", RoutePath.MODEL));
        String coined = "provider_specific_reason_" + "x".repeat(40);
        when(run.finishReason()).thenReturn(coined, "stop");
        when(run.errorMessage()).thenReturn("e".repeat(700), "short");

        RequestLogRow cut = recorder.row(run);
        RequestLogRow kept = recorder.row(run);

        assertThat(cut.finishReason()).isEqualTo(coined.substring(0, RequestLogRecorder.FINISH_REASON_CHARS))
                .hasSize(32);
        assertThat(cut.errorMessage()).hasSize(600);
        assertThat(kept.finishReason()).isEqualTo("stop");
        assertThat(kept.errorMessage()).isEqualTo("short");
    }
}
