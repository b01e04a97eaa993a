package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.GenerationOptions;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Surface;
import dev.switchboard.config.AffinityProperties;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.testsupport.ScriptedClient;
import dev.switchboard.testsupport.TestProviders;
import dev.switchboard.testsupport.TestRouting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** Prompt-cache affinity: which requests go to the same key. */
class AffinityTest {

    private static final RoutingProperties ROUTING = new RoutingProperties(Duration.ofSeconds(30), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(10), 10, KeyStrategy.ROUND_ROBIN);
    private static final String SYSTEM = "You are a careful assistant. ".repeat(200);

    private final ProviderRegistry registry = new ProviderRegistry(List.of(TestProviders.provider("p", 5),
            TestProviders.provider("q", 5)));
    private final TestRouting routing = new TestRouting(registry, new ProviderClients((provider, key) ->
            ScriptedClient.streaming(() -> Flux.just(new ChatChunk.Delta(key.alias()), new ChatChunk.Finish("stop")))),
            ROUTING);

    private String answeredBy(ChatCommand command) {
        StreamEvent.Committed committed = routing.chain.stream(routing.router.begin(command))
                .ofType(StreamEvent.Committed.class).blockFirst(Duration.ofSeconds(5));
        return committed.route().provider() + "/" + committed.route().key();
    }

    private static ChatCommand.Builder conversation(String firstQuestion, String... laterTurns) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(new ChatMessage("system", SYSTEM));
        messages.add(new ChatMessage("user", firstQuestion));
        for (String turn : laterTurns) {
            messages.add(new ChatMessage("assistant", "An answer."));
            messages.add(new ChatMessage("user", turn));
        }
        return ChatCommand.builder("req", Surface.SSE, messages);
    }

    @Test
    void everyTurnOfALongConversationGoesToTheSameKey() {
        Set<String> keys = new HashSet<>();
        keys.add(answeredBy(conversation("What is a cache?").provider("p").build()));
        keys.add(answeredBy(conversation("What is a cache?", "And a prefix?").provider("p").build()));
        keys.add(answeredBy(conversation("What is a cache?", "And a prefix?", "Thanks.").provider("p").build()));
        assertThat(keys).hasSize(1);
    }

    @Test
    void onPathATheConversationAlsoKeepsItsProvider() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            keys.add(answeredBy(conversation("Where do I live?", "Turn " + i).build()));
        }
        assertThat(keys).hasSize(1);
    }

    @Test
    void conversationsSpreadOverTheKeys() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            keys.add(answeredBy(conversation("Question number " + i).provider("p").build()));
        }
        assertThat(keys).as("40 conversations over 5 keys").hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void shortPromptsWithoutAnExplicitKeyKeepTheRoundRobin() {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            ChatCommand command = ChatCommand.builder("req", Surface.SSE, List.of(new ChatMessage("user", "hi")))
                    .provider("p").build();
            counts.merge(answeredBy(command), 1, Integer::sum);
        }
        assertThat(counts).hasSize(5).allSatisfy((key, n) -> assertThat(n).isEqualTo(2));
    }

    @Test
    void anExplicitKeyOrTheUserFieldAppliesAsWell() {
        Set<String> explicit = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            explicit.add(answeredBy(ChatCommand.builder("req", Surface.SSE, List.of(new ChatMessage("user", "hi " + i)))
                    .provider("p").affinityKey("session-42").build()));
        }
        assertThat(explicit).as("an explicit key applies to short prompts too").hasSize(1);

        Set<String> byUser = new HashSet<>();
        GenerationOptions user = new GenerationOptions(List.of(), null, null, null, null, null, null, null, null, null,
                "user-7", null, null, null);
        for (int i = 0; i < 5; i++) {
            byUser.add(answeredBy(conversation("Different question " + i).provider("p").options(user).build()));
        }
        assertThat(byUser).as("the user field beats the prefix").hasSize(1);
    }

    @Test
    void anUnhealthyKeyMovesOnlyItsOwnConversations() {
        Map<String, String> before = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            String id = "conv-" + i;
            before.put(id, answeredBy(ChatCommand.builder("req", Surface.SSE, List.of(new ChatMessage("user", "hi")))
                    .provider("p").affinityKey(id).build()));
        }
        String gone = before.get("conv-0");
        var provider = registry.get("p").orElseThrow();
        var key = provider.keys().keys().stream().filter(k -> ("p/" + k.alias()).equals(gone)).findFirst().orElseThrow();
        routing.health.disable(provider, key, "test");

        for (int i = 0; i < 30; i++) {
            String id = "conv-" + i;
            String now = answeredBy(ChatCommand.builder("req", Surface.SSE, List.of(new ChatMessage("user", "hi")))
                    .provider("p").affinityKey(id).build());
            if (before.get(id).equals(gone)) {
                assertThat(now).as(id).isNotEqualTo(gone);
            } else {
                assertThat(now).as(id + " stays with its key").isEqualTo(before.get(id));
            }
        }
    }

    @Test
    void theAffinityOfARequestFollowsItsPrecedence() {
        AffinityProperties on = AffinityProperties.defaults();
        ChatCommand shortPrompt = ChatCommand.builder("r", Surface.SSE, List.of(new ChatMessage("user", "hi"))).build();
        assertThat(Affinity.of(shortPrompt, on)).isEqualTo(Affinity.NONE);
        assertThat(Affinity.of(shortPrompt.toBuilder().affinityKey("a").build(), on))
                .isEqualTo(Affinity.of(shortPrompt.toBuilder().affinityKey("a").build(), on))
                .isNotEqualTo(Affinity.of(shortPrompt.toBuilder().affinityKey("b").build(), on))
                .isNotEqualTo(Affinity.NONE);
        assertThat(Affinity.of(conversation("q").build(), on))
                .isEqualTo(Affinity.of(conversation("q", "later").build(), on))
                .isNotEqualTo(Affinity.of(conversation("another q").build(), on));
        assertThat(Affinity.of(conversation("q").affinityKey("a").build(), AffinityProperties.off()))
                .isEqualTo(Affinity.NONE);
    }
}
