package dev.switchboard.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of bad input for the fuzz tests: valid requests with one field replaced by any JSON value
 * (wrong types, out of range, huge, odd unicode), truncated requests, deep nesting, huge numbers, duplicate
 * keys, any JSON at all, random text, invalid UTF-8, every odd content type; and multipart forms with
 * odd fields, file names, types and contents. A few valid requests are mixed in, so the fuzz also walks
 * past validation into routing.
 */
public final class MalformedRequests {

    /** One HTTP body: its content type (null: none) and bytes, and what it is, for failure messages. */
    public record Body(String contentType, byte[] bytes, String kind) {

        @Override
        public String toString() {
            String text = new String(bytes, StandardCharsets.UTF_8);
            return kind + " [" + contentType + "] " + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
        }
    }

    public static final Map<String, String> CHAT = template("messages", "[{\"role\":\"user\",\"content\":\"hi\"}]");
    public static final Map<String, String> OPENAI = template("model", "\"auto\"", "messages",
            "[{\"role\":\"user\",\"content\":\"hi\"}]");
    public static final Map<String, String> TASK = template("task_type", "\"chat\"", "input_data", "\"hi\"");
    public static final Map<String, String> CLIENT = template("name", "\"fuzzed\"");

    private static final List<String> CHAT_FIELDS = List.of("messages", "model", "provider", "max_tokens", "temperature",
            "fallback", "model_fallback", "type", "id", "stream", "stream_options", "max_completion_tokens", "task_type",
            "input_data", "preferred_provider", "variables", "requests_per_minute", "daily_requests", "daily_tokens",
            "name", "key", "alias", "reason", "", "\u0000", "messages\u200b");

    private MalformedRequests() {
    }

    /** Bodies for a JSON endpoint whose valid request is {@code template}. */
    public static Arbitrary<Body> json(Map<String, String> template) {
        Arbitrary<String> text = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(object(template))),
                net.jqwik.api.Tuple.of(12, fieldReplaced(template)),
                net.jqwik.api.Tuple.of(6, messageReplaced(template)),
                net.jqwik.api.Tuple.of(4, truncated(template)),
                net.jqwik.api.Tuple.of(3, jsonValue(3)),
                net.jqwik.api.Tuple.of(2, deepNesting()),
                net.jqwik.api.Tuple.of(2, hugeNumber(template)),
                net.jqwik.api.Tuple.of(2, duplicateKeys(template)),
                net.jqwik.api.Tuple.of(3, oddText()));
        Arbitrary<Body> fromText = Combinators.combine(contentType(), text)
                .as((type, body) -> new Body(type, body.getBytes(StandardCharsets.UTF_8), "json"));
        Arbitrary<Body> invalidUtf8 = Combinators.combine(contentType(), Arbitraries.bytes().array(byte[].class).ofMaxSize(2000))
                .as((type, bytes) -> new Body(type, bytes, "bytes"));
        Arbitrary<Body> oversized = Arbitraries.integers().between(60, 200).map(kb -> new Body("application/json",
                object(with(template, "padding", "\"" + "p".repeat(kb * 1024) + "\"")).getBytes(StandardCharsets.UTF_8),
                "oversized " + kb + "KB"));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(30, fromText),
                net.jqwik.api.Tuple.of(3, invalidUtf8),
                net.jqwik.api.Tuple.of(1, oversized));
    }

    /** Text for a WebSocket message: chat messages, cancel messages and anything else. */
    public static Arbitrary<String> socketMessage() {
        Arbitrary<String> control = Combinators.combine(jsonValue(1), jsonValue(1))
                .as((type, id) -> "{\"type\":" + type + ",\"id\":" + id + "}");
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, json(CHAT).map(body -> new String(body.bytes(), StandardCharsets.UTF_8))),
                net.jqwik.api.Tuple.of(3, control),
                net.jqwik.api.Tuple.of(1, Arbitraries.just("{\"type\":\"cancel\",\"id\":\"nothing\"}")));
    }

    /** A multipart body for the Task API (and, with a bad boundary, one that is no multipart at all). */
    public static Arbitrary<Body> multipart() {
        Arbitrary<String> name = Arbitraries.oneOf(Arbitraries.of("task_type", "input_data", "model", "max_tokens",
                "temperature", "variables", "preferred_provider", "file", "files", ""), oddText().map(s -> cut(s, 40)));
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.of("chat", "generic", "resume_parsing", "nope", "-1",
                "1e999", "{}", "{\"a\":1}", "[]", "NaN"), oddText().map(s -> cut(s, 300)), jsonValue(2));
        Arbitrary<String> fileName = Arbitraries.oneOf(Arbitraries.of("cv.pdf", "cv.docx", "notes.txt", "notes.md",
                "../../etc/passwd", "a.exe", "noext", "", ".pdf", "x\".pdf", "résumé ✓.pdf"), oddText().map(s -> cut(s, 80)));
        Arbitrary<String> fileType = Arbitraries.of("application/pdf", "text/plain", "application/octet-stream",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "text/markdown", "image/png",
                "garbage", "text/plain; charset=utf-16");
        Arbitrary<byte[]> content = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(4000),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(2000).map(b -> concat("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII), b)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(2000).map(b -> concat(new byte[] {'P', 'K', 3, 4}, b)),
                oddText().map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.integers().between(30, 40).map(kb -> "w ".repeat(kb * 512).getBytes(StandardCharsets.UTF_8)));
        Arbitrary<String> part = Arbitraries.oneOf(
                Combinators.combine(name, value).as((n, v) -> "Content-Disposition: form-data; name=\"" + n + "\"\r\n\r\n" + v),
                Combinators.combine(name, fileName, fileType, content).as((n, f, t, c) -> "Content-Disposition: form-data; name=\""
                        + n + "\"; filename=\"" + f + "\"\r\nContent-Type: " + t + "\r\n\r\n"
                        + new String(c, StandardCharsets.ISO_8859_1)));
        Arbitrary<String> boundary = Arbitraries.of("fuzz-boundary-1", "fuzz-boundary-1", "fuzz-boundary-1", "", "x\"y", "other");
        // a valid task (type and a text input) with one odd part added, so some forms get past validation
        Arbitrary<List<String>> forms = Arbitraries.oneOf(part.list().ofMaxSize(20),
                part.list().ofMaxSize(1).map(extra -> {
                    List<String> valid = new ArrayList<>(List.of(
                            "Content-Disposition: form-data; name=\"task_type\"\r\n\r\nchat",
                            "Content-Disposition: form-data; name=\"input_data\"\r\n\r\nhello"));
                    valid.addAll(extra);
                    return valid;
                }));
        return Combinators.combine(forms, boundary, Arbitraries.integers().between(0, 100))
                .as((parts, declared, truncate) -> {
                    StringBuilder body = new StringBuilder();
                    for (String p : parts) {
                        body.append("--fuzz-boundary-1\r\n").append(p).append("\r\n");
                    }
                    body.append("--fuzz-boundary-1--\r\n");
                    byte[] bytes = body.toString().getBytes(StandardCharsets.ISO_8859_1);
                    int keep = truncate < 90 ? bytes.length : bytes.length * (truncate - 90) / 10;
                    return new Body("multipart/form-data; boundary=" + declared, Arrays.copyOf(bytes, keep),
                            "multipart(" + parts.size() + " parts" + (keep < bytes.length ? ", truncated" : "") + ")");
                });
    }

    public static Arbitrary<String> contentType() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, Arbitraries.just("application/json")),
                net.jqwik.api.Tuple.of(4, Arbitraries.of("text/plain", "application/x-www-form-urlencoded",
                        "multipart/form-data", "multipart/form-data; boundary=zz", "application/json; charset=utf-16",
                        "application/xml", "*/*", "application/json;;;", "garbage", "image/png")),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(null)));
    }

    private static Arbitrary<String> fieldReplaced(Map<String, String> template) {
        Arbitrary<String> field = Arbitraries.oneOf(Arbitraries.of(template.keySet()), Arbitraries.of(CHAT_FIELDS));
        return Combinators.combine(field, jsonValue(3)).as((name, value) -> object(with(template, name, value)));
    }

    private static Arbitrary<String> messageReplaced(Map<String, String> template) {
        Arbitrary<String> message = Combinators.combine(jsonValue(2), jsonValue(2), Arbitraries.of("role", "content", "name", "x"))
                .as((role, content, extra) -> "{\"role\":" + role + ",\"content\":" + content + ",\"" + extra + "\":" + role + "}");
        Arbitrary<String> messages = Arbitraries.oneOf(
                message.list().ofMaxSize(5).map(list -> "[" + String.join(",", list) + "]"),
                Arbitraries.integers().between(500, 700).map(n -> "[" + String.join(",",
                        Collections.nCopies(n, "{\"role\":\"user\",\"content\":\"m\"}")) + "]"),
                Arbitraries.of("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]",
                        "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]",
                        "[{\"role\":\"user\",\"content\":[1,2]}]", "[null]", "[[]]", "[{}]",
                        "[{\"role\":\"tool\",\"content\":\"x\"}]", "[{\"role\":\"USER\",\"content\":\"x\"}]"));
        return messages.map(m -> object(with(template, "messages", m)));
    }

    private static Arbitrary<String> truncated(Map<String, String> template) {
        String full = object(template);
        return Arbitraries.integers().between(0, full.length() - 1).map(n -> full.substring(0, n));
    }

    private static Arbitrary<String> deepNesting() {
        return Combinators.combine(Arbitraries.integers().between(100, 5000), Arbitraries.of("[", "{\"a\":"))
                .as((depth, open) -> open.repeat(depth) + "1" + (open.equals("[") ? "]" : "}").repeat(depth));
    }

    private static Arbitrary<String> hugeNumber(Map<String, String> template) {
        Arbitrary<String> number = Arbitraries.oneOf(
                Arbitraries.integers().between(100, 5000).map(n -> "9".repeat(n)),
                Arbitraries.of("1e999999", "-1e999999", "1e-999999", "-0", "0.0000000000000000000001", "2147483648",
                        "9223372036854775808", "-2147483649", "1.5", "00012", "+1", ".5", "NaN", "Infinity", "0x10"));
        return Combinators.combine(Arbitraries.of("max_tokens", "temperature", "max_completion_tokens",
                "requests_per_minute", "daily_tokens"), number).as((field, n) -> object(with(template, field, n)));
    }

    private static Arbitrary<String> duplicateKeys(Map<String, String> template) {
        return Arbitraries.of(template.keySet()).map(key -> {
            String body = object(template);
            return body.substring(0, body.length() - 1) + ",\"" + key + "\":null}";
        });
    }

    /** Any JSON value, well formed or nearly so. */
    public static Arbitrary<String> jsonValue(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.of("null", "true", "false", "0", "-1", "1", "2", "3.5", "-0.0", "1e308", "1e-308",
                        "2147483647", "4294967296", "\"\"", "\" \"", "\"\\u0000\"", "\"\\ud800\"", "\"\\uZZZZ\"",
                        "\"user\"", "\"system\"", "\"assistant\"", "\"developer\"", "\"auto\"", "\"sec\"", "\"sec-1\"",
                        "\"sec/sec-1\"", "\"nope/none\"", "\"../../admin\"", "\"chat\"", "undefined", "'single'", "\"\\\"",
                        "tru", "nul", "[", "{", "]"),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                oddText().map(MalformedRequests::quote));
        if (depth <= 0) {
            return scalar;
        }
        Arbitrary<String> array = jsonValue(depth - 1).list().ofMaxSize(4).map(items -> "[" + String.join(",", items) + "]");
        Arbitrary<String> object = Combinators.combine(oddText().map(s -> cut(s, 20)).list().ofMaxSize(4),
                jsonValue(depth - 1).list().ofSize(4)).as((keys, values) -> {
                    List<String> entries = new ArrayList<>();
                    for (int i = 0; i < keys.size(); i++) {
                        entries.add(quote(keys.get(i)) + ":" + values.get(i));
                    }
                    return "{" + String.join(",", entries) + "}";
                });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, scalar), net.jqwik.api.Tuple.of(2, array),
                net.jqwik.api.Tuple.of(2, object));
    }

    /** Text of any characters: control characters, emoji, right-to-left, zero-width, huge. */
    public static Arbitrary<String> oddText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(200),
                Arbitraries.strings().withChars("\u0000\u0001\u001f\u007f\u200b\u200e\u202e\ufeff\ufffd\"\\/<>&'%\n\r\t{}[]:,")
                        .ofMaxLength(100),
                Arbitraries.strings().withCharRange('\u0590', '\u06ff').ofMaxLength(100),
                Arbitraries.of("😀🔥🧪", "a\u0301\u0301\u0301", "𝕳𝖊𝖑𝖑𝖔", "\ud83d", "<script>alert(1)</script>",
                        "${jndi:ldap://x}", "{{7*7}}", "{% for x in range(9999999) %}x{% endfor %}", "' OR 1=1 --",
                        "%00", "..\\..\\", "\u0000"),
                Arbitraries.integers().between(1000, 30000).map("x"::repeat));
    }

    public static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    public static String object(Map<String, String> fields) {
        List<String> entries = new ArrayList<>();
        fields.forEach((k, v) -> entries.add(quote(k) + ":" + v));
        return "{" + String.join(",", entries) + "}";
    }

    private static Map<String, String> with(Map<String, String> template, String field, String value) {
        Map<String, String> out = new LinkedHashMap<>(template);
        out.put(field, value);
        return out;
    }

    private static Map<String, String> template(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return Collections.unmodifiableMap(out);
    }

    private static String cut(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
