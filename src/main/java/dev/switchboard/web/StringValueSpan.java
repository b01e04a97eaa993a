package dev.switchboard.web;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.util.JsonParserDelegate;

/**
 * A parser that reads as the one it wraps and notes where the value of one top-level string property lies in
 * the input's bytes, while a deserializer reads the whole body through it: the span comes with the parse,
 * not from a second pass. The span is known only when the property occurs once, as a string.
 */
final class StringValueSpan extends JsonParserDelegate {

    private final String name;
    private int start = -1;
    private int end = -1;
    private int occurrences;
    private boolean onlyStrings = true;

    StringValueSpan(JsonParser parser, String name) {
        super(parser);
        this.name = name;
    }

    @Override
    public JsonToken nextToken() {
        JsonToken token = delegate.nextToken();
        if (token == null) {
            return null;
        }
        if (token.isScalarValue()) {
            note(token);
        } else if (token.isStructStart()) {
            noteStructure();
        }
        return token;
    }

    /** The offset of the value's opening quote, or -1 when it is not known. */
    int start() {
        return known() ? start : -1;
    }

    /** The offset just past the value's closing quote, or -1 when it is not known. */
    int end() {
        return known() ? end : -1;
    }

    private boolean known() {
        return occurrences == 1 && onlyStrings;
    }

    private void note(JsonToken token) {
        if (!isTopLevelProperty(delegate.streamReadContext())) {
            return;
        }
        occurrences++;
        if (token != JsonToken.VALUE_STRING) {
            onlyStrings = false;
            return;
        }
        long from = delegate.currentTokenLocation().getByteOffset();
        delegate.getString(); // reads the whole string, so the location is past its closing quote
        long to = delegate.currentLocation().getByteOffset();
        start = (int) from;
        end = (int) to;
    }

    /** An object or array as the property's value: the span stays unknown. */
    private void noteStructure() {
        TokenStreamContext inner = delegate.streamReadContext();
        if (inner.getParent() != null && isTopLevelProperty(inner.getParent())) {
            occurrences++;
            onlyStrings = false;
        }
    }

    private boolean isTopLevelProperty(TokenStreamContext context) {
        return context.inObject() && context.getParent() != null && context.getParent().inRoot()
                && name.equals(context.currentName());
    }
}
