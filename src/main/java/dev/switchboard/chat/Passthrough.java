package dev.switchboard.chat;

import java.util.List;
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
 */
public record Passthrough(WireFormat format, ObjectNode body, List<String> unknownFields) {

    public Passthrough {
        unknownFields = List.copyOf(unknownFields);
    }
}
