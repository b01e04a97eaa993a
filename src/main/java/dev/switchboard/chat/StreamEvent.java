package dev.switchboard.chat;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a streaming surface receives from {@code ChatService.stream}. The first event is always
 * {@link Committed}, emitted only once the first upstream content (text, a tool call, reasoning or a
 * refusal) has arrived; failures before that arrive as a plain error signal (nothing was sent to the
 * client yet), failures after it as a {@link MidStreamException}.
 */
public sealed interface StreamEvent {

    /**
     * The first-chunk probe passed: from here on there is no switching.
     *
     * @param relayed the provider speaks the client's wire format: {@link Relay} events carry its events as
     *     it sent them, for the surface to write unchanged (the other events still come, for everyone else)
     * @param cache how the response cache took part (a hit replays the stored answer as these same events)
     */
    record Committed(RouteInfo route, List<Attempt> attempts, boolean relayed, CacheStatus cache)
            implements StreamEvent {

        public Committed {
            cache = cache == null ? CacheStatus.NONE : cache;
        }

        public Committed(RouteInfo route, List<Attempt> attempts, boolean relayed) {
            this(route, attempts, relayed, CacheStatus.NONE);
        }

        public Committed(RouteInfo route, List<Attempt> attempts) {
            this(route, attempts, false);
        }

        public Committed withCache(CacheStatus status) {
            return new Committed(route, attempts, relayed, status);
        }
    }

    /** Answer text of one choice. */
    record Text(int choice, String delta) implements StreamEvent {

        public Text(String delta) {
            this(0, delta);
        }
    }

    /**
     * A fragment of a tool call: the first fragment of call {@code index} has its id and name, the rest
     * only pieces of the arguments' JSON text.
     */
    record ToolCallDelta(int choice, int index, @Nullable String id, @Nullable String name, String arguments)
            implements StreamEvent {
    }

    /** The model's reasoning text. */
    record Reasoning(int choice, String text) implements StreamEvent {
    }

    /** The model's refusal text. */
    record Refusal(int choice, String text) implements StreamEvent {
    }

    /**
     * One event of the provider's stream as it sent it ({@code event} empty when it had no name), for a
     * surface of the same wire format to relay.
     *
     * @param data the event's data as the UTF-8 bytes the provider sent (shared: read, never change), so it is
     *     written back without being decoded and encoded again
     * @param usageOnly an OpenAI chunk that only carries usage, for clients that asked for it
     * @param meaning what the event means for the answer (its text, a tool-call fragment...) when it means one
     *     such thing; null otherwise. A surface that relays writes the bytes and needs no more; what keeps the
     *     answer (the response cache) reads the meaning.
     */
    record Relay(String event, byte[] data, boolean usageOnly, @Nullable StreamEvent meaning) implements StreamEvent {

        public Relay(String event, byte[] data, boolean usageOnly) {
            this(event, data, usageOnly, null);
        }
    }

    /** The stream ended normally. */
    record Done(ChatResult result) implements StreamEvent {
    }
}
