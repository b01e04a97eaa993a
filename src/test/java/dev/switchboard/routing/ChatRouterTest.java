package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.ErrorAnswers;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.InvalidRequestException;
import dev.switchboard.chat.NameLimits;
import dev.switchboard.chat.ProviderOrder;
import dev.switchboard.chat.RoutePreference;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.chat.Surface;
import dev.switchboard.config.ModelProperties;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.testsupport.ScriptedClient;
import dev.switchboard.testsupport.TestProviders;
import dev.switchboard.testsupport.TestRouting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class ChatRouterTest {

    private static final RoutingProperties ROUTING = new RoutingProperties(Duration.ofSeconds(30), Duration.ofSeconds(5),
            Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(5), 10, KeyStrategy.ROUND_ROBIN);

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

    /** OpenRouter (priority 1, three keys), Groq (2, two keys), Gemini (3, one key), as seeds 001 and 003 order them. */
    private static ProviderRegistry seedProviders() {
        return new ProviderRegistry(List.of(withPriority(TestProviders.provider("gemini", 1), 3),
                withPriority(TestProviders.provider("groq", 2), 2), withPriority(TestProviders.provider("openrouter", 3), 1)));
    }

    private static Provider withPriority(Provider p, int priority) {
        return new Provider(p.name(), p.type(), p.format(), p.baseUrl(), p.defaultModel(), p.models(), priority,
                p.enabled(), p.autoRoute(), p.headers(), p.dailyLimit(), p.maxConcurrent(), p.errorOverrides(), p.keys());
    }

    /** A router over these providers whose provider order is read from {@code order} for each request. */
    private ChatRouter router(ProviderRegistry providers, AtomicReference<ProviderOrder> order) {
        TestRouting routing = new TestRouting(providers, clients, ROUTING);
        return new ChatRouter(providers, clients, ROUTING, routing.gate, () -> 3, order::get, routing.clock);
    }

    private static List<String> providersOf(List<String> candidates) {
        return candidates.stream().map(c -> c.substring(0, c.indexOf('#'))).toList();
    }

    private static ChatCommand pathA() {
        return ChatCommand.builder("req-3", Surface.SYNC, List.of(new ChatMessage("user", "hi"))).build();
    }

    @Test
    void priorityOrderAlwaysStartsAtTheHighestPriorityProviderAndTriesEveryKeyOfItBeforeTheNext() {
        ChatRouter priority = router(seedProviders(), new AtomicReference<>(ProviderOrder.PRIORITY));

        for (int request = 0; request < 3; request++) {
            assertThat(providersOf(drain(priority.plan(pathA()))))
                    .containsExactly("openrouter", "openrouter", "openrouter", "groq", "groq", "gemini");
        }
    }

    @Test
    void priorityOrderStillRotatesTheKeysWithinAProvider() {
        ChatRouter priority = router(seedProviders(), new AtomicReference<>(ProviderOrder.PRIORITY));

        assertThat(priority.plan(pathA()).next().key().alias()).isEqualTo("openrouter#1");
        assertThat(priority.plan(pathA()).next().key().alias()).isEqualTo("openrouter#2");
    }

    @Test
    void roundRobinOrderRotatesTheStartingProviderAndTakesOneKeyOfEachPerRound() {
        ChatRouter roundRobin = router(seedProviders(), new AtomicReference<>(ProviderOrder.ROUND_ROBIN));

        assertThat(drain(roundRobin.plan(pathA()))).containsExactly("openrouter#1:openrouter-model", "groq#1:groq-model",
                "gemini#1:gemini-model", "openrouter#2:openrouter-model", "groq#2:groq-model",
                "openrouter#3:openrouter-model");
        assertThat(roundRobin.plan(pathA()).next().provider().name()).isEqualTo("groq");
    }

    @Test
    void theProviderOrderIsReadForEveryRequestSoAReloadAppliesIt() {
        AtomicReference<ProviderOrder> order = new AtomicReference<>(ProviderOrder.ROUND_ROBIN);
        ChatRouter router = router(seedProviders(), order);
        router.plan(pathA());

        order.set(ProviderOrder.PRIORITY);

        assertThat(router.plan(pathA()).next().provider().name()).isEqualTo("openrouter");
        assertThat(router.plan(pathA()).next().provider().name()).isEqualTo("openrouter");
    }

    @Test
    void aPreferredProviderGoesFirstInPriorityOrderThenTheOthersByPriority() {
        ChatRouter priority = router(seedProviders(), new AtomicReference<>(ProviderOrder.PRIORITY));
        ChatCommand preferring = pathA().toBuilder().preferredProvider("gemini").build();

        assertThat(providersOf(drain(priority.plan(preferring))))
                .containsExactly("gemini", "openrouter", "openrouter", "openrouter", "groq", "groq");
    }

    @Test
    void aTasksRouteGoesFirstWithItsModelAndOnlyItsProvidersWhenItListsFallbacks() {
        ChatRouter router = router(seedProviders(), new AtomicReference<>(ProviderOrder.ROUND_ROBIN));
        ChatCommand routed = pathA().toBuilder().route(new RoutePreference(List.of("gemini", "unknown", "groq"),
                "gemini-pro", true, ProviderOrder.PRIORITY)).build();

        assertThat(drain(router.plan(routed))).containsExactly("gemini#1:gemini-pro", "groq#1:groq-model",
                "groq#2:groq-model");
    }

    @Test
    void aTasksRouteWithoutFallbacksLetsTheOthersFollowInTheGlobalOrder() {
        ChatRouter router = router(seedProviders(), new AtomicReference<>(ProviderOrder.PRIORITY));
        ChatCommand routed = pathA().toBuilder().route(new RoutePreference(List.of("groq"), null, false, null)).build();

        assertThat(providersOf(drain(router.plan(routed))))
                .containsExactly("groq", "groq", "openrouter", "openrouter", "openrouter", "gemini");
    }

    @Test
    void aRequestsPreferredProviderGoesBeforeTheTasksRoute() {
        ChatRouter router = router(seedProviders(), new AtomicReference<>(ProviderOrder.PRIORITY));
        ChatCommand routed = pathA().toBuilder().preferredProvider("openrouter")
                .route(new RoutePreference(List.of("gemini"), "gemini-pro", true, null)).build();

        assertThat(drain(router.plan(routed))).containsExactly("openrouter#1:openrouter-model",
                "openrouter#2:openrouter-model", "openrouter#3:openrouter-model", "gemini#1:gemini-pro");
    }

    @Test
    void aTasksOwnProviderOrderReplacesTheGlobalOneForItsRequestsOnly() {
        ChatRouter router = router(seedProviders(), new AtomicReference<>(ProviderOrder.ROUND_ROBIN));
        ChatCommand byPriority = pathA().toBuilder()
                .route(new RoutePreference(List.of(), null, false, ProviderOrder.PRIORITY)).build();

        for (int request = 0; request < 3; request++) {
            assertThat(providersOf(drain(router.plan(byPriority))))
                    .containsExactly("openrouter", "openrouter", "openrouter", "groq", "groq", "gemini");
        }
        assertThat(router.plan(pathA()).next().provider().name()).isEqualTo("openrouter");
        assertThat(router.plan(pathA()).next().provider().name()).isEqualTo("groq");
    }

    @Test
    void aTaskMayRotateProvidersThoughTheGlobalOrderIsPriority() {
        ChatRouter router = router(seedProviders(), new AtomicReference<>(ProviderOrder.PRIORITY));
        ChatCommand rotating = pathA().toBuilder()
                .route(new RoutePreference(List.of(), null, false, ProviderOrder.ROUND_ROBIN)).build();

        assertThat(router.plan(rotating).next().provider().name()).isEqualTo("openrouter");
        assertThat(router.plan(rotating).next().provider().name()).isEqualTo("groq");
        assertThat(router.plan(pathA()).next().provider().name()).isEqualTo("openrouter");
    }

    /** A provider whose default model is disabled and whose second model is not. */
    private static Provider withDisabledDefault(Provider p) {
        List<ModelProperties> models = List.of(new ModelProperties(p.defaultModel(), 1, 256, 0, null, false),
                new ModelProperties(p.name() + "-other", 2, null, 0));
        return new Provider(p.name(), p.type(), p.format(), p.baseUrl(), p.defaultModel(), models, p.priority(),
                p.enabled(), p.autoRoute(), p.headers(), p.dailyLimit(), p.maxConcurrent(), p.errorOverrides(), p.keys());
    }

    @Test
    void aDisabledModelIsOutOfRoutingPathAUsesTheNextEnabledOneAndPathBRefusesIt() {
        ProviderRegistry providers = new ProviderRegistry(List.of(withDisabledDefault(TestProviders.provider("alpha", 1))));
        ChatRouter router = router(providers, new AtomicReference<>(ProviderOrder.ROUND_ROBIN));

        assertThat(drain(router.plan(pathA()))).containsExactly("alpha#1:alpha-other");
        for (ChatCommand named : List.of(command(null, "alpha/alpha-model"), command("alpha", "alpha-model"),
                command(null, "alpha-model"))) {
            assertThatThrownBy(() -> router.plan(named)).isInstanceOf(InvalidRequestException.class)
                    .satisfies(e -> assertThat(((InvalidRequestException) e).code()).isEqualTo("model_disabled"));
        }
    }

    @Test
    void aModelNameLongerThanTheColumnsThatStoreItIsRefusedBeforeAnyKeyIsAsked() {
        ChatRouter router = router(seedProviders(), new AtomicReference<>(ProviderOrder.ROUND_ROBIN));
        String tooLong = "m".repeat(NameLimits.MODEL + 1);

        for (ChatCommand named : List.of(command(null, "groq/" + tooLong), command("groq", tooLong))) {
            assertThatThrownBy(() -> router.plan(named)).isInstanceOf(InvalidRequestException.class)
                    .satisfies(e -> assertThat(((InvalidRequestException) e).code()).isEqualTo("model_name_too_long"))
                    .satisfies(e -> assertThat(((InvalidRequestException) e).param()).isEqualTo("model"))
                    .hasMessageContaining("201 characters");
        }
        assertThat(router.plan(command("groq", "m".repeat(NameLimits.MODEL))).next().model())
                .hasSize(NameLimits.MODEL);
    }
}
