package dev.switchboard.chat;

import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * The request body as the client sent it, for a provider that speaks the client's own wire format: it is
 * relayed with only the model replaced, so fields the gateway does not know yet reach the provider too.
 * Never modified; adapters copy it.
 *
 * @param format the client's wire format
 * @param body the client's JSON body, gateway extension fields removed
 * @param unknownFields top-level fields of the body that have no mapping to another wire format: a
 *     provider of another format cannot honour them
 * @param sent the body's bytes exactly as the client sent them, when {@code body} is all of it (no extension
 *     field was removed); an adapter may then relay these bytes with only the model's value replaced
 *     instead of writing the tree anew
 */
public record Passthrough(WireFormat format, ObjectNode body, List<String> unknownFields, @Nullable SentBody sent) {

    public Passthrough {
        unknownFields = List.copyOf(unknownFields);
    }

    public Passthrough(WireFormat format, ObjectNode body, List<String> unknownFields) {
        this(format, body, unknownFields, null);
    }
}
