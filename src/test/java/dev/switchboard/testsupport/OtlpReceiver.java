package dev.switchboard.testsupport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * An OpenTelemetry collector in the test: a loopback HTTP server that takes OTLP/HTTP protobuf
 * ({@code POST /v1/traces}, what Spring Boot's exporter sends) and decodes the spans with a small protobuf
 * reader, so no generated OTLP classes are needed. Keeps every span and every raw payload (the secret scan
 * reads the bytes as they came).
 */
public final class OtlpReceiver implements AutoCloseable {

    private static final int MAX_BYTES = 64 * 1024 * 1024;

    private final List<ExportedSpan> spans = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
    private final DisposableServer server;
    private boolean overflowed;

    private OtlpReceiver() {
        server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .route(routes -> routes.post("/v1/traces", (req, res) -> req.receive().aggregate().asByteArray()
                        .map(body -> {
                            receive(gunzipped(body, req.requestHeaders().get("Content-Encoding")));
                            return body;
                        })
                        .then(res.header("Content-Type", "application/x-protobuf").send())))
                .bindNow(Duration.ofSeconds(5));
    }

    public static OtlpReceiver start() {
        return new OtlpReceiver();
    }

    /** The endpoint to give the exporter ({@code management.opentelemetry.tracing.export.otlp.endpoint}). */
    public String endpoint() {
        return "http://127.0.0.1:" + server.port() + "/v1/traces";
    }

    public List<ExportedSpan> spans() {
        return List.copyOf(spans);
    }

    /** The spans of one trace. */
    public List<ExportedSpan> trace(String traceId) {
        return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
    }

    public List<ExportedSpan> spans(Predicate<ExportedSpan> which) {
        return spans.stream().filter(which).toList();
    }

    /** Every payload received, as bytes (ISO-8859-1, so each byte is one character). */
    public String rawPayloads() {
        synchronized (raw) {
            if (overflowed) {
                throw new IllegalStateException("more than " + MAX_BYTES + " bytes of spans: capture incomplete");
            }
            return raw.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }

    private void receive(byte[] body) {
        synchronized (raw) {
            if (raw.size() + body.length <= MAX_BYTES) {
                raw.write(body, 0, body.length);
            } else {
                overflowed = true;
            }
        }
        // ExportTraceServiceRequest: 1 resource_spans
        for (Field resourceSpans : Field.all(body)) {
            if (resourceSpans.number != 1) {
                continue;
            }
            String service = null;
            List<byte[]> scopes = new ArrayList<>();
            // ResourceSpans: 1 resource, 2 scope_spans
            for (Field field : Field.all(resourceSpans.bytes)) {
                if (field.number == 1) {
                    Object name = attributes(field.bytes, 1).get("service.name");
                    service = name == null ? null : name.toString();
                } else if (field.number == 2) {
                    scopes.add(field.bytes);
                }
            }
            for (byte[] scope : scopes) {
                // ScopeSpans: 2 spans
                for (Field field : Field.all(scope)) {
                    if (field.number == 2) {
                        spans.add(span(field.bytes, service));
                    }
                }
            }
        }
    }

    private static ExportedSpan span(byte[] bytes, String service) {
        String traceId = "", spanId = "", parentId = "", name = "", statusMessage = "";
        int kind = 0, statusCode = 0;
        long start = 0, end = 0;
        Map<String, Object> attributes = new LinkedHashMap<>();
        List<String> events = new ArrayList<>();
        for (Field field : Field.all(bytes)) {
            switch (field.number) {
                case 1 -> traceId = HexFormat.of().formatHex(field.bytes);
                case 2 -> spanId = HexFormat.of().formatHex(field.bytes);
                case 4 -> parentId = HexFormat.of().formatHex(field.bytes);
                case 5 -> name = field.text();
                case 6 -> kind = (int) field.value;
                case 7 -> start = field.value;
                case 8 -> end = field.value;
                case 9 -> keyValue(field.bytes, attributes);
                case 11 -> {
                    for (Field event : Field.all(field.bytes)) {
                        if (event.number == 2) {
                            events.add(event.text());
                        }
                    }
                }
                case 15 -> {
                    for (Field status : Field.all(field.bytes)) {
                        if (status.number == 2) {
                            statusMessage = status.text();
                        } else if (status.number == 3) {
                            statusCode = (int) status.value;
                        }
                    }
                }
                default -> {
                }
            }
        }
        return new ExportedSpan(service, traceId, spanId, parentId, name, kind, start, end, attributes, events,
                statusCode, statusMessage);
    }

    /** The attributes (KeyValue, field {@code number}) of a message. */
    private static Map<String, Object> attributes(byte[] message, int number) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Field field : Field.all(message)) {
            if (field.number == number) {
                keyValue(field.bytes, out);
            }
        }
        return out;
    }

    private static void keyValue(byte[] bytes, Map<String, Object> into) {
        String key = null;
        Object value = null;
        for (Field field : Field.all(bytes)) {
            if (field.number == 1) {
                key = field.text();
            } else if (field.number == 2) {
                value = anyValue(field.bytes);
            }
        }
        if (key != null) {
            into.put(key, value);
        }
    }

    /** AnyValue: 1 string, 2 bool, 3 int, 4 double, 5 array. */
    private static Object anyValue(byte[] bytes) {
        for (Field field : Field.all(bytes)) {
            switch (field.number) {
                case 1:
                    return field.text();
                case 2:
                    return field.value != 0;
                case 3:
                    return field.value;
                case 4:
                    return Double.longBitsToDouble(field.value);
                case 5:
                    List<Object> values = new ArrayList<>();
                    for (Field element : Field.all(field.bytes)) {
                        values.add(anyValue(element.bytes));
                    }
                    return values;
                default:
                    break;
            }
        }
        return null;
    }

    private static byte[] gunzipped(byte[] body, String encoding) {
        if (!"gzip".equalsIgnoreCase(encoding)) {
            return body;
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One span as exported.
     *
     * @param kind 1 internal, 2 server, 3 client
     * @param statusCode 0 unset, 1 ok, 2 error
     */
    public record ExportedSpan(String service, String traceId, String spanId, String parentSpanId, String name,
            int kind, long startNanos, long endNanos, Map<String, Object> attributes, List<String> events,
            int statusCode, String statusMessage) {

        public static final int SERVER = 2;
        public static final int CLIENT = 3;
        public static final int ERROR = 2;

        public Object attribute(String key) {
            return attributes.get(key);
        }

        public String text(String key) {
            Object value = attributes.get(key);
            return value == null ? null : value.toString();
        }

        public boolean isRoot() {
            return parentSpanId.isEmpty() || parentSpanId.chars().allMatch(c -> c == '0');
        }

        @Override
        public String toString() {
            return name + " " + spanId + " (parent " + parentSpanId + ") " + attributes;
        }
    }

    /** One protobuf field: its number and either a varint/fixed value or length-delimited bytes. */
    private static final class Field {

        final int number;
        final long value;
        final byte[] bytes;

        private Field(int number, long value, byte[] bytes) {
            this.number = number;
            this.value = value;
            this.bytes = bytes;
        }

        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        static List<Field> all(byte[] message) {
            List<Field> fields = new ArrayList<>();
            int[] at = {0};
            while (at[0] < message.length) {
                long tag = varint(message, at);
                int number = (int) (tag >>> 3);
                switch ((int) (tag & 7)) {
                    case 0 -> fields.add(new Field(number, varint(message, at), new byte[0]));
                    case 1 -> {
                        long v = 0;
                        for (int i = 0; i < 8; i++) {
                            v |= (message[at[0] + i] & 0xFFL) << (8 * i);
                        }
                        at[0] += 8;
                        fields.add(new Field(number, v, new byte[0]));
                    }
                    case 2 -> {
                        int length = (int) varint(message, at);
                        byte[] bytes = new byte[length];
                        System.arraycopy(message, at[0], bytes, 0, length);
                        at[0] += length;
                        fields.add(new Field(number, 0, bytes));
                    }
                    case 5 -> {
                        long v = 0;
                        for (int i = 0; i < 4; i++) {
                            v |= (message[at[0] + i] & 0xFFL) << (8 * i);
                        }
                        at[0] += 4;
                        fields.add(new Field(number, v, new byte[0]));
                    }
                    default -> throw new IllegalArgumentException("unsupported protobuf wire type in field " + number);
                }
            }
            return fields;
        }

        private static long varint(byte[] message, int[] at) {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = message[at[0]++];
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new IllegalArgumentException("malformed varint");
        }
    }
}
