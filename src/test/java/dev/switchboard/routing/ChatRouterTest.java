package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.ErrorAnswers;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.InvalidRequestException;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.chat.Surface;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.testsupport.ScriptedClient;
import dev.switchboard.testsupport.TestProviders;
import dev.switchboard.testsupport.TestRouting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class ChatRouterTest {

    private final ProviderClients clients = new ProviderClients((p, k) -> ScriptedClient.streaming(Flux::empty));
    private final ProviderRegistry registry = new ProviderRegistry(List.of(
            TestProviders.provider("alpha", 2), TestProviders.provider("beta", 1),
            TestProviders.provider("named-only", 2, false)));
    private final ChatRouter router = new TestRouting(registry, clients, new RoutingProperties(Duration.ofSeconds(30),
            Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(5), 10,
            KeyStrategy.ROUND_ROBIN)).router;

    private static ChatCommand command(String provider, String model) {
        return ChatCommand.builder("req-1", Surface.SYNC, List.of(new ChatMessage("user", "hi")))
                .provider(provider).model(model).build();
    }

    private static List<String> drain(RoutePlan plan) {
        List<String> out = new ArrayList<>();
        Candidate c;
        while ((c = plan.next()) != null) {
            out.add(c.key().alias() + ":" + c.model());
        }
        return out;
    }

    @Test
    void noModelMeansPathAAcrossAutoRoutedProvidersRoundRobin() {
        RoutePlan first = router.plan(command(null, null));
        RoutePlan second = router.plan(command(null, "auto"));

        assertThat(first.path()).isEqualTo(RoutePath.DEFAULT);
        assertThat(drain(first)).containsExactly("alpha#1:alpha-model", "beta#1:beta-model", "alpha#2:alpha-model");
        assertThat(drain(second)).containsExactly("beta#1:beta-model", "alpha#2:alpha-model", "alpha#1:alpha-model");
    }

    @Test
    void pathAUsesTheCachedClientOfEachProviderAndKey() {
        List<Candidate> firsts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            firsts.add(router.plan(command(null, null)).next());
        }

        assertThat(firsts).extracting(c -> c.key().alias())
                .containsExactly("alpha#1", "beta#1", "alpha#2", "beta#1", "alpha#1");
        assertThat(firsts.get(4).client()).isSameAs(firsts.get(0).client());
        assertThat(firsts.get(3).client()).isSameAs(firsts.get(1).client());
        assertThat(firsts.get(2).client()).isNotSameAs(firsts.get(0).client());
    }

    @Test
    void providerSlashModelIsPathBOnThatProviderOnly() {
        RoutePlan plan = router.plan(command(null, "alpha/custom-model"));

        assertThat(plan.path()).isEqualTo(RoutePath.MODEL);
        assertThat(drain(plan)).containsExactly("alpha#1:custom-model", "alpha#2:custom-model");
    }

    @Test
    void pathBCreatesAClientPerRequest() {
        Candidate first = router.plan(command("alpha", "alpha-model")).next();
        Candidate second = router.plan(command("alpha", "alpha-model")).next();
        Candidate third = router.plan(command("alpha", "alpha-model")).next();

        assertThat(third.key()).isEqualTo(first.key());
        assertThat(third.client()).isNotSameAs(first.client());
        assertThat(second.client()).isNotSameAs(first.client());
    }

    @Test
    void bareModelIsLookedUpAmongConfiguredModels() {
        RoutePlan plan = router.plan(command(null, "beta-other"));

        assertThat(drain(plan)).containsExactly("beta#1:beta-other");
    }

    @Test
    void providerWithoutModelUsesItsDefaultModel() {
        assertThat(drain(router.plan(command("named-only", null)))).containsExactly(
                "named-only#1:named-only-model", "named-only#2:named-only-model");
    }

    @Test
    void aPreferredProviderGoesFirstThenTheNormalOrder() {
        ChatCommand preferring = ChatCommand.builder("req-2", Surface.TASK, List.of(new ChatMessage("user", "hi")))
                .preferredProvider("named-only").build();

        assertThat(drain(router.plan(preferring))).containsExactly("named-only#1:named-only-model",
                "alpha#1:alpha-model", "beta#1:beta-model", "named-only#2:named-only-model", "alpha#2:alpha-model");
    }

    @Test
    void unknownModelOrProviderIsABadRequest() {
        assertThatThrownBy(() -> router.plan(command(null, "gpt-9")))
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> {
                    assertThat(ErrorAnswers.of(e, null).status()).isEqualTo(400);
                    assertThat(((InvalidRequestException) e).code()).isEqualTo("model_not_found");
                });
        assertThatThrownBy(() -> router.plan(command("nope", "x")))
                .satisfies(e -> assertThat(((InvalidRequestException) e).code()).isEqualTo("provider_not_found"));
    }
}
