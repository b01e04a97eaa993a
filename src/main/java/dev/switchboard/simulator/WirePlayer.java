package dev.switchboard.simulator;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServerRequest;
import tools.jackson.databind.JsonNode;

/**
 * Plays one provider's wire format for the simulator: how a request is read and how answers, stream
 * events and errors are written. The timing and the faults are the simulator's; the bytes are the
 * player's.
 */
interface WirePlayer {

    /** The API key the client sent, or an empty string. */
    String key(HttpServerRequest request);

    /** The model, from the body or the path. */
    String model(HttpServerRequest request, JsonNode body);

    /** Whether a stream was asked for. */
    boolean stream(HttpServerRequest request, JsonNode body);

    boolean includeUsage(JsonNode body);

    /** All message text, concatenated (for the answer and the prompt token count). */
    String prompt(JsonNode body);

    /** The last user message's text. */
    String lastUserText(JsonNode body);

    @Nullable Integer maxTokens(JsonNode body);

    /** Tools, tool results, images, response format and reasoning, as this format sends them. */
    RequestFeatures features(JsonNode body);

    /** How a tool call's arguments (compact JSON text) are streamed: in pieces of 7 characters by default. */
    default List<String> argumentPieces(String arguments) {
        return SimulatorAnswer.chunks(arguments, 7);
    }

    /** The format's 404 for a model the provider does not know. */
    HttpAnswer modelNotFound(SimulatedCall call);

    /** An HTTP error answer. */
    HttpAnswer error(SimulatorKey fault, SimulatedCall call);

    /** A whole, non-streamed answer. */
    String completion(SimulatedCall call);

    /** Events sent before any content (role chunk, message_start, ...); may be empty. */
    String streamPreamble(SimulatedCall call);

    /** One reasoning token (only when reasoning was asked for). */
    String streamReasoning(SimulatedCall call, String token);

    /**
     * Sent before the first answer token when reasoning came first (closing the reasoning, opening the
     * answer); may be empty.
     */
    String streamAnswerStart(SimulatedCall call);

    /** One answer token: text, or a piece of a tool call's arguments. */
    String streamToken(SimulatedCall call, String token);

    /** Finish, usage and end marker. */
    String streamEnd(SimulatedCall call);

    /** An in-band error event inside a 200 stream. */
    String streamError(SimulatedCall call);

    /** Models list body. */
    String models();

    /** A status with headers and a JSON body. */
    record HttpAnswer(int status, Map<String, String> headers, String body) {
    }
}
