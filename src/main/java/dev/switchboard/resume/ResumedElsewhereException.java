package dev.switchboard.resume;

import dev.switchboard.chat.GatewayException;

/**
 * Ends a connection whose stream another connection resumed (the client reconnected while the old connection
 * still looked open, or a second reader took the stream over): one stream has one reader.
 */
public final class ResumedElsewhereException extends GatewayException {

    ResumedElsewhereException(String streamId) {
        super(409, "invalid_request_error", "stream_resumed_elsewhere",
                "Stream " + streamId + " was resumed on another connection, which reads it from now on.", null);
    }
}
