package dev.switchboard.providers;

import dev.switchboard.chat.SentBody;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.json.JsonMapper;

/**
 * A relayed body as bytes: the client's JSON exactly as sent, with only the value of its top-level
 * {@code "model"} replaced.
 *
 * <p>Why: relaying by copying the parsed tree and writing it again costs a copy and a serialization of the
 * whole body per attempt (a long conversation is kilobytes), and changes what the client sent (number
 * formats, escapes, key order). The body is scanned, not bound: one pass over its tokens finds the value's
 * span. Anything unusual (no model or more than one, a non-string model, a body that is not one JSON object)
 * gives null, and the caller writes the tree as before.
 */
public final class ModelSplice {

    private ModelSplice() {
    }

    /**
     * {@code sent} with its model replaced by {@code model}, or null when it cannot be done safely: at the
     * place noted when the body was parsed, or, when none was, where a scan of its tokens finds it.
     */
    public static byte @Nullable [] replaceModel(JsonMapper json, SentBody sent, String model) {
        return sent.modelLocated()
                ? splice(sent.bytes(), sent.modelStart(), sent.modelEnd(), model)
                : replaceModel(json, sent.bytes(), model);
    }

    /** {@code sent} with its model replaced by {@code model}, or null when it cannot be done safely. */
    public static byte @Nullable [] replaceModel(JsonMapper json, byte[] sent, String model) {
        long start = -1;
        long end = -1;
        try (JsonParser parser = json.createParser(sent)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
                boolean isModel = "model".equals(parser.currentName());
                JsonToken value = parser.nextToken();
                if (!isModel) {
                    parser.skipChildren();
                    continue;
                }
                if (value != JsonToken.VALUE_STRING || start >= 0) {
                    return null;
                }
                start = parser.currentTokenLocation().getByteOffset();
                parser.getString(); // reads the whole string, so the location is past its closing quote
                end = parser.currentLocation().getByteOffset();
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null || start < 0 || end <= start) {
                return null;
            }
        } catch (JacksonException e) {
            return null;
        }
        return splice(sent, (int) start, (int) end, model);
    }

    /** {@code sent} with the bytes from {@code start} to {@code end} (a quoted string) replaced by {@code model}. */
    private static byte[] splice(byte[] sent, int start, int end, String model) {
        byte[] value = quoted(model);
        byte[] out = new byte[sent.length - (end - start) + value.length];
        System.arraycopy(sent, 0, out, 0, start);
        System.arraycopy(value, 0, out, start, value.length);
        System.arraycopy(sent, end, out, start + value.length, sent.length - end);
        return out;
    }

    private static byte[] quoted(String model) {
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(model);
        byte[] out = new byte[escaped.length + 2];
        out[0] = '"';
        System.arraycopy(escaped, 0, out, 1, escaped.length);
        out[out.length - 1] = '"';
        return out;
    }
}
