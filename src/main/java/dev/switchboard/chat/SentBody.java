package dev.switchboard.chat;

/**
 * A request body's bytes exactly as the client sent them, and where the value of its top-level
 * {@code "model"} lies in them, noted while the body was parsed, so relaying it with another model needs no
 * second pass over the bytes.
 *
 * @param bytes the body as sent; never modified
 * @param modelStart the offset of the model value's opening quote; -1 when not known (no model, more than
 *     one, not a string)
 * @param modelEnd the offset just past its closing quote; -1 when not known
 */
public record SentBody(byte[] bytes, int modelStart, int modelEnd) {

    /** Whether the model's place is known; when it is not, a relay that needs it scans the bytes for it. */
    public boolean modelLocated() {
        return modelStart >= 0 && modelEnd > modelStart && modelEnd <= bytes.length;
    }
}
