package dev.switchboard.providers.openai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the usual OpenAI stream chunk straight from its bytes, or declines; {@link OpenAiAnswerReader} then reads
 * it with Jackson. It exists for the one place where Jackson was the largest cost of the gateway's own: every
 * relayed chunk. Jackson's parser tokenizes and canonicalizes every property name of every chunk ({@code id},
 * {@code object}, {@code created}, {@code model}, {@code system_fingerprint}...): 8 % of the event loops on a
 * relayed stream, with a reader that already skips what it does not need (docs/PERFORMANCE.md).
 *
 * <p>What it takes: strict JSON (RFC 8259) in ASCII, property names without escapes, values of exactly the type
 * the records hold (a string or null for text, an integer of at most nine digits or null for counts). Anything
 * else makes it decline, never guess: non-ASCII bytes anywhere (so UTF-8 is left to Jackson to check), escaped
 * names, numbers where text is expected or the other way round (Jackson coerces them), an {@code error} or
 * {@code x_groq} member, a {@code message} in a choice, nesting deeper than 64, malformed JSON.
 * So whatever it returns is what the Jackson reader returns for the same bytes (a differential test holds it to
 * that), and whatever it declines keeps Jackson's answer, errors included.
 */
final class OpenAiChunkScanner {

    /** Deeper values than this are declined (Jackson allows 500; a chunk has no such nesting). */
    private static final int MAX_DEPTH = 64;
    private static final int MAX_INT_DIGITS = 9;

    private static final byte[] CHOICES = ascii("choices");
    private static final byte[] USAGE = ascii("usage");
    private static final byte[] ERROR = ascii("error");
    private static final byte[] X_GROQ = ascii("x_groq");
    private static final byte[] INDEX = ascii("index");
    private static final byte[] DELTA = ascii("delta");
    private static final byte[] MESSAGE = ascii("message");
    private static final byte[] FINISH_REASON = ascii("finish_reason");
    private static final byte[] ROLE = ascii("role");
    private static final byte[] CONTENT = ascii("content");
    private static final byte[] REFUSAL = ascii("refusal");
    private static final byte[] REASONING = ascii("reasoning");
    private static final byte[] REASONING_CONTENT = ascii("reasoning_content");
    private static final byte[] TOOL_CALLS = ascii("tool_calls");
    private static final byte[] ID = ascii("id");
    private static final byte[] TYPE = ascii("type");
    private static final byte[] FUNCTION = ascii("function");
    private static final byte[] NAME = ascii("name");
    private static final byte[] ARGUMENTS = ascii("arguments");
    private static final byte[] PROMPT_TOKENS = ascii("prompt_tokens");
    private static final byte[] COMPLETION_TOKENS = ascii("completion_tokens");
    private static final byte[] TOTAL_TOKENS = ascii("total_tokens");
    private static final byte[] PROMPT_DETAILS = ascii("prompt_tokens_details");
    private static final byte[] COMPLETION_DETAILS = ascii("completion_tokens_details");
    private static final byte[] CACHED_TOKENS = ascii("cached_tokens");
    private static final byte[] REASONING_TOKENS = ascii("reasoning_tokens");

    /** Thrown to decline; one instance, without a stack trace (it is control flow, not an error). */
    private static final RuntimeException DECLINE = new RuntimeException("not a plain chunk", null, false, false) {
    };

    private final byte[] b;
    private int i;
    /** The current property name: {@code b[nameStart, nameEnd)}. */
    private int nameStart;
    private int nameEnd;

    private OpenAiChunkScanner(byte[] bytes) {
        this.b = bytes;
    }

    /** The chunk as the Jackson reader would read it, or null when this scanner declines it. */
    static OpenAiWire.@Nullable Chunk scan(byte[] data) {
        try {
            return new OpenAiChunkScanner(data).chunk();
        } catch (RuntimeException e) {
            if (e == DECLINE || e instanceof IndexOutOfBoundsException) {
                return null; // out of bounds: the bytes ended inside a value
            }
            throw e;
        }
    }

    private OpenAiWire.Chunk chunk() {
        List<OpenAiWire.Choice> choices = null;
        OpenAiWire.Usage usage = null;
        for (boolean more = openObject(); more; more = nextMember()) {
            if (name(CHOICES)) {
                choices = isNull() ? null : choices();
            } else if (name(USAGE)) {
                usage = isNull() ? null : usage();
            } else if (name(ERROR) || name(X_GROQ)) {
                throw DECLINE;
            } else {
                skipValue();
            }
        }
        return new OpenAiWire.Chunk(choices, usage, null, null);
    }

    private List<OpenAiWire.Choice> choices() {
        List<OpenAiWire.Choice> out = new ArrayList<>(1);
        for (boolean more = openArray(); more; more = nextElement()) {
            out.add(choice());
        }
        return out;
    }

    private OpenAiWire.Choice choice() {
        Integer index = null;
        OpenAiWire.Delta delta = null;
        String finishReason = null;
        for (boolean more = openObject(); more; more = nextMember()) {
            if (name(INDEX)) {
                index = integer();
            } else if (name(DELTA)) {
                delta = isNull() ? null : delta();
            } else if (name(FINISH_REASON)) {
                finishReason = string();
            } else if (name(MESSAGE)) {
                throw DECLINE;
            } else {
                skipValue();
            }
        }
        return new OpenAiWire.Choice(index, null, delta, finishReason);
    }

    private OpenAiWire.Delta delta() {
        String role = null;
        String content = null;
        String refusal = null;
        String reasoning = null;
        String reasoningContent = null;
        List<OpenAiWire.ToolCall> toolCalls = null;
        for (boolean more = openObject(); more; more = nextMember()) {
            if (name(CONTENT)) {
                content = string();
            } else if (name(ROLE)) {
                role = string();
            } else if (name(REFUSAL)) {
                refusal = string();
            } else if (name(REASONING)) {
                reasoning = string();
            } else if (name(REASONING_CONTENT)) {
                reasoningContent = string();
            } else if (name(TOOL_CALLS)) {
                toolCalls = isNull() ? null : toolCalls();
            } else {
                skipValue();
            }
        }
        return new OpenAiWire.Delta(role, content, refusal, reasoning, reasoningContent, toolCalls);
    }

    private List<OpenAiWire.ToolCall> toolCalls() {
        List<OpenAiWire.ToolCall> out = new ArrayList<>(1);
        for (boolean more = openArray(); more; more = nextElement()) {
            Integer index = null;
            String id = null;
            String type = null;
            OpenAiWire.Function function = null;
            for (boolean member = openObject(); member; member = nextMember()) {
                if (name(INDEX)) {
                    index = integer();
                } else if (name(ID)) {
                    id = string();
                } else if (name(TYPE)) {
                    type = string();
                } else if (name(FUNCTION)) {
                    function = isNull() ? null : function();
                } else {
                    skipValue();
                }
            }
            out.add(new OpenAiWire.ToolCall(index, id, type, function));
        }
        return out;
    }

    private OpenAiWire.Function function() {
        String name = null;
        String arguments = null;
        for (boolean more = openObject(); more; more = nextMember()) {
            if (name(NAME)) {
                name = string();
            } else if (name(ARGUMENTS)) {
                arguments = string();
            } else {
                skipValue();
            }
        }
        return new OpenAiWire.Function(name, arguments);
    }

    private OpenAiWire.Usage usage() {
        Integer prompt = null;
        Integer completion = null;
        Integer total = null;
        OpenAiWire.PromptDetails promptDetails = null;
        OpenAiWire.CompletionDetails completionDetails = null;
        for (boolean more = openObject(); more; more = nextMember()) {
            if (name(PROMPT_TOKENS)) {
                prompt = integer();
            } else if (name(COMPLETION_TOKENS)) {
                completion = integer();
            } else if (name(TOTAL_TOKENS)) {
                total = integer();
            } else if (name(PROMPT_DETAILS)) {
                promptDetails = isNull() ? null : new OpenAiWire.PromptDetails(detail(CACHED_TOKENS));
            } else if (name(COMPLETION_DETAILS)) {
                completionDetails = isNull() ? null : new OpenAiWire.CompletionDetails(detail(REASONING_TOKENS));
            } else {
                skipValue();
            }
        }
        return new OpenAiWire.Usage(prompt, completion, total, promptDetails, completionDetails);
    }

    private @Nullable Integer detail(byte[] wanted) {
        Integer found = null;
        for (boolean more = openObject(); more; more = nextMember()) {
            if (name(wanted)) {
                found = integer();
            } else {
                skipValue();
            }
        }
        return found;
    }

    // ---- structure: an object's members and an array's elements, the name of the current member

    /** Reads {@code {} and, when a member follows, its name and colon; false for an empty object. */
    private boolean openObject() {
        expect('{');
        if (peek() == '}') {
            i++;
            return false;
        }
        memberName();
        return true;
    }

    /** After a member's value: true with the next member's name read, false at the object's end. */
    private boolean nextMember() {
        byte c = peek();
        i++;
        if (c == '}') {
            return false;
        }
        if (c != ',') {
            throw DECLINE;
        }
        memberName();
        return true;
    }

    private void memberName() {
        expectAfterSpace('"');
        nameStart = i;
        while (true) {
            byte c = b[i];
            if (c == '"') {
                break;
            }
            if (c == '\\' || c < 0x20) { // escaped names are left to Jackson; a negative byte is not ASCII
                throw DECLINE;
            }
            i++;
        }
        nameEnd = i++;
        expect(':');
    }

    private boolean name(byte[] wanted) {
        return Arrays.equals(b, nameStart, nameEnd, wanted, 0, wanted.length);
    }

    private boolean openArray() {
        expect('[');
        if (peek() == ']') {
            i++;
            return false;
        }
        return true;
    }

    private boolean nextElement() {
        byte c = peek();
        i++;
        if (c == ']') {
            return false;
        }
        if (c != ',') {
            throw DECLINE;
        }
        return true;
    }

    // ---- values read

    /** True, having read it, when the next value is {@code null}; false, having read nothing, otherwise. */
    private boolean isNull() {
        if (peek() == 'n') {
            literal("null");
            return true;
        }
        return false;
    }

    private @Nullable String string() {
        if (isNull()) {
            return null;
        }
        expect('"');
        int start = i;
        while (true) {
            byte c = b[i];
            if (c == '"') {
                return new String(b, start, i++ - start, StandardCharsets.ISO_8859_1);
            }
            if (c == '\\') {
                return escapedString(start);
            }
            if (c < 0x20) {
                throw DECLINE;
            }
            i++;
        }
    }

    /** The rest of a string from its first escape on; {@code b[start, i)} is plain text. */
    private String escapedString(int start) {
        StringBuilder text = new StringBuilder(i - start + 16).append(new String(b, start, i - start,
                StandardCharsets.ISO_8859_1));
        while (true) {
            byte c = b[i++];
            if (c == '"') {
                return text.toString();
            }
            if (c < 0x20) {
                throw DECLINE;
            }
            text.append(c == '\\' ? escape() : (char) c);
        }
    }

    private char escape() {
        byte c = b[i++];
        return switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '/' -> '/';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> (char) ((hex(b[i++]) << 12) | (hex(b[i++]) << 8) | (hex(b[i++]) << 4) | hex(b[i++]));
            default -> throw DECLINE;
        };
    }

    private static int hex(byte c) {
        int digit = Character.digit(c, 16);
        if (digit < 0 || c < 0) {
            throw DECLINE;
        }
        return digit;
    }

    /** An integer of at most nine digits, or null; a fraction, an exponent or a longer number declines. */
    private @Nullable Integer integer() {
        if (isNull()) {
            return null;
        }
        skipSpace();
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        int start = i;
        int value = 0;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            value = value * 10 + (b[i++] - '0');
        }
        int digits = i - start;
        if (digits == 0 || digits > MAX_INT_DIGITS || digits > 1 && b[start] == '0') {
            throw DECLINE;
        }
        if (i < b.length && (b[i] == '.' || b[i] == 'e' || b[i] == 'E')) {
            throw DECLINE;
        }
        return negative ? -value : value;
    }

    // ---- values skipped, checked as strictly as Jackson would

    private void skipValue() {
        skipValue(0);
    }

    private void skipValue(int depth) {
        switch (peek()) {
            case '{' -> {
                checkDepth(depth);
                i++;
                if (peek() == '}') {
                    i++;
                    return;
                }
                do {
                    skipMemberName();
                    skipValue(depth + 1);
                } while (more('}'));
            }
            case '[' -> {
                checkDepth(depth);
                i++;
                if (peek() == ']') {
                    i++;
                    return;
                }
                do {
                    skipValue(depth + 1);
                } while (more(']'));
            }
            case '"' -> skipString();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> skipNumber();
        }
    }

    private static void checkDepth(int depth) {
        if (depth >= MAX_DEPTH) {
            throw DECLINE;
        }
    }

    /** After a value in a container: true after a comma, false after the container's {@code close}. */
    private boolean more(char close) {
        byte c = peek();
        i++;
        if (c == ',') {
            return true;
        }
        if (c != close) {
            throw DECLINE;
        }
        return false;
    }

    private void skipMemberName() {
        if (peek() != '"') {
            throw DECLINE;
        }
        skipString();
        expect(':');
    }

    private void skipString() {
        i++; // the opening quote
        while (true) {
            byte c = b[i++];
            if (c == '"') {
                return;
            }
            if (c < 0x20) {
                throw DECLINE;
            }
            if (c == '\\') {
                escape();
            }
        }
    }

    /** A number as JSON writes it: {@code -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?}. */
    private void skipNumber() {
        if (b[i] == '-') {
            i++;
        }
        if (b[i] == '0') {
            i++;
        } else if (digits() == 0) {
            throw DECLINE;
        }
        if (i < b.length && b[i] == '.') {
            i++;
            if (digits() == 0) {
                throw DECLINE;
            }
        }
        if (i < b.length && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (b[i] == '+' || b[i] == '-') {
                i++;
            }
            if (digits() == 0) {
                throw DECLINE;
            }
        }
        if (i < b.length && b[i] >= '0' && b[i] <= '9') {
            throw DECLINE; // a leading zero followed by digits
        }
    }

    private int digits() {
        int start = i;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i - start;
    }

    private void literal(String word) {
        skipSpace();
        for (int k = 0; k < word.length(); k++) {
            if (b[i++] != word.charAt(k)) {
                throw DECLINE;
            }
        }
        if (i < b.length && (Character.isLetterOrDigit(b[i]) || b[i] == '_')) {
            throw DECLINE;
        }
    }

    // ---- bytes

    private void expect(char c) {
        expectAfterSpace(c);
    }

    private void expectAfterSpace(char c) {
        skipSpace();
        if (b[i++] != c) {
            throw DECLINE;
        }
    }

    /** The next byte that is not white space, not consumed. */
    private byte peek() {
        skipSpace();
        return b[i];
    }

    private void skipSpace() {
        while (i < b.length) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            i++;
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
