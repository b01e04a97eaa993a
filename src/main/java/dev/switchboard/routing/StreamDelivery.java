package dev.switchboard.routing;

/**
 * How a stream reaches a client that may lose its connection and come back for the rest (a resumable stream).
 * Such a request does not end when its upstream does: its observers (request log, usage, metrics) hear of it
 * once delivery has settled, so they see how often the client came back and whether it ever got the end.
 */
public interface StreamDelivery {

    /**
     * Runs {@code then} once, when the client has had the whole stream or will not be back for it; at once when
     * that is already so. Must not block.
     */
    void whenSettled(Runnable then);

    /** Times a client came back and resumed the stream. */
    int resumes();

    /** Whether the client went away and did not come back for the rest of the stream. */
    boolean abandoned();
}
