package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ContentPart;
import dev.switchboard.chat.Passthrough;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.Tool;
import dev.switchboard.chat.Usage;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.providers.Provider;
import dev.switchboard.testsupport.ScriptedClient;
import dev.switchboard.testsupport.TestProviders;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import reactor.core.publisher.Flux;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class RequestRunTest {

    @Test
    void everyOutcomeHasItsNameInLowerCaseAsciiAsItsCode() {
        for (RequestRun.Outcome outcome : RequestRun.Outcome.values()) {
            assertThat(outcome.code()).matches("[a-z]+").isEqualTo(outcome.name().toLowerCase(Locale.ROOT));
        }
    }

    @Test
    void theCodesDoNotDependOnTheDefaultLocale() {
        // what lower-casing the enum's name with the default locale would have written on a Turkish JVM
        assertThat("FAILED".toLowerCase(Locale.forLanguageTag("tr"))).isEqualTo("fa\u0131led");
        assertThat(RequestRun.Outcome.FAILED.code()).isEqualTo("failed");
    }

    @Test
    void handsOutOneCopyOfTheAttemptsUntilTheNextAttemptWhichEarlierCopiesDoNotShow() {
        RequestRun run = new RequestRun(ChatCommand.builder("r", Surface.SYNC, List.of(new ChatMessage("user", "x")))
                .build(), Mockito.mock(RoutePlan.class), () -> null, 5, Duration.ofSeconds(30), 0);
        assertThat(run.attempts()).isEmpty();

        run.waitedFor(new RoutePlan.Recovery(10, "fast", "fast#1", "m"), 10);
        List<Attempt> first = run.attempts();
        assertThat(run.attempts()).isSameAs(first).hasSize(1);

        run.waitedFor(new RoutePlan.Recovery(20, "fast", "fast#2", "m"), 20);
        List<Attempt> second = run.attempts();

        assertThat(first).extracting(Attempt::key).containsExactly("fast#1");
        assertThat(second).extracting(Attempt::key).containsExactly("fast#1", "fast#2");
        assertThat(run.attempts()).isSameAs(second);
        assertThat(second).isUnmodifiable();
    }

    @Test
    void aCommittedStreamLetsItsPromptGoAndKeepsWhatItsEndBooksOfIt() {
        ChatMessage withImage = new ChatMessage("user", List.of(new ContentPart.Text("look at this"),
                new ContentPart.Image("data:image/png;base64,iVBORw0KGgo=", null)), List.of(), null, null);
        ChatCommand command = ChatCommand.builder("r", Surface.SSE, List.of(new ChatMessage("system", "be brief"),
                        withImage))
                .provider("p").model("m").client("team-a").fallback(true)
                .tools(List.of(new Tool("get_weather", null, null, null)))
                .build();
        RoutePlan plan = Mockito.mock(RoutePlan.class);
        Mockito.when(plan.path()).thenReturn(RoutePath.MODEL);
        RequestRun run = new RequestRun(command, plan, () -> plan, 5, Duration.ofSeconds(30), 0);

        run.releasePrompt();

        assertThat(run.command().messages()).isEmpty();
        assertThat(run.command().tools()).isEmpty();
        assertThat(run.command()).extracting(ChatCommand::requestId, ChatCommand::clientId, ChatCommand::provider,
                ChatCommand::model, ChatCommand::surface).containsExactly("r", "team-a", "p", "m", Surface.SSE);
        assertThat(run.promptChars()).isEqualTo(command.promptChars()).isPositive();
        assertThat(run.images()).isEqualTo(1);
        assertThat(run.messageCount()).isEqualTo(2);
        assertThat(run.toolCount()).isEqualTo(1);
        assertThat(run.plan().path()).isEqualTo(RoutePath.MODEL);
        assertThat(run.plan()).as("the plan, which holds the command, is let go too").isNotSameAs(plan);
        assertThat(run.nextCandidate(1)).as("no candidate after the commit").isNull();
    }

    @Test
    void aRelayedBodyIsStillKnownAsRelayedOnceItsPromptIsLetGo() {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("model", "m");
        ChatCommand command = ChatCommand.builder("r", Surface.OPENAI, List.of(new ChatMessage("user", "hi")))
                .provider("p").passthrough(new Passthrough(WireFormat.OPENAI, body, List.of())).build();
        RequestRun run = new RequestRun(command, Mockito.mock(RoutePlan.class), () -> null, 5, Duration.ofSeconds(30), 0);
        Provider openAi = TestProviders.provider("p", 1);
        Candidate sameFormat = new Candidate(openAi, openAi.keys().keys().get(0), "p-model",
                ScriptedClient.streaming(Flux::empty), RoutePath.MODEL);

        run.releasePrompt();
        run.succeeded(sameFormat, Usage.estimate(2, 2), 2, "stop", null, 0, 10, 10);

        assertThat(run.command().passthrough()).as("the body is let go").isNull();
        assertThat(run.relayed()).isTrue();
    }
}
