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
 * {@code "model"} replaced (and, when the caller gives some, fields of its own put first in the object).
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
     * place noted when the body was parsed, or, when none was, where a scan of its tokens finds it. Any
     * {@code leadingFields} (properties the body does not have, each followed by a comma: {@code "stream":true,})
     * are written right after the object's opening brace; the body keeps at least its model after them, so the
     * object stays well formed.
     */
    public static byte @Nullable [] replaceModel(JsonMapper json, SentBody sent, String model, byte[] leadingFields) {
        if (sent.modelLocated()) {
            return splice(sent.bytes(), sent.modelStart(), sent.modelEnd(), model, leadingFields);
        }
        int[] span = modelSpan(json, sent.bytes());
        return span == null ? null : splice(sent.bytes(), span[0], span[1], model, leadingFields);
    }

    /** Where the value of the body's one top-level string {@code model} lies (start, end), or null. */
    private static int @Nullable [] modelSpan(JsonMapper json, byte[] sent) {
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
        return new int[] {(int) start, (int) end};
    }

    /**
     * {@code sent} with the bytes from {@code start} to {@code end} (a quoted string) replaced by {@code model},
     * and {@code fields} after the object's opening brace (the first byte that is not whitespace), in one copy.
     */
    private static byte[] splice(byte[] sent, int start, int end, String model, byte[] fields) {
        byte[] value = quoted(model);
        byte[] out = new byte[sent.length - (end - start) + value.length + fields.length];
        int at = 0;
        int from = 0;
        if (fields.length > 0) {
            int afterBrace = openingBrace(sent) + 1;
            System.arraycopy(sent, 0, out, 0, afterBrace);
            System.arraycopy(fields, 0, out, afterBrace, fields.length);
            at = afterBrace + fields.length;
            from = afterBrace;
        }
        System.arraycopy(sent, from, out, at, start - from);
        at += start - from;
        System.arraycopy(value, 0, out, at, value.length);
        at += value.length;
        System.arraycopy(sent, end, out, at, sent.length - end);
        return out;
    }

    /** The index of the body's opening brace: it is one JSON object, so its first byte that is not whitespace. */
    private static int openingBrace(byte[] sent) {
        int i = 0;
        while (sent[i] != '{') {
            i++;
        }
        return i;
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
