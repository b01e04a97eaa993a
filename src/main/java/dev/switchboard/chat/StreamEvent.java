package dev.switchboard.chat;

import java.util.List;

/**
 * What a streaming surface receives from {@link ChatService#stream}. The first event is always
 * {@link Committed}, emitted only once the first upstream content chunk has arrived; failures before
 * that arrive as a plain error signal (nothing was sent to the client yet), failures after it as a
 * {@link dev.switchboard.chat.MidStreamException}.
 */
public sealed interface StreamEvent {

    /** The first-chunk probe passed: from here on there is no switching. */
    record Committed(RouteInfo route, List<Attempt> attempts) implements StreamEvent {
    }

    /** Answer text. */
    record Text(String delta) implements StreamEvent {
    }

    /** The stream ended normally. */
    record Done(ChatResult result) implements StreamEvent {
    }
}
