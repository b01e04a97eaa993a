package dev.switchboard.web;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.providers.SecretScrubber;
import java.util.Collection;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one reader of JSON request bodies, for every surface (chat, tasks, admin, client keys): a body
 * becomes its wire record, or a 400 that names the field and what it should be ({@code missing_body},
 * {@code invalid_json}, {@code invalid_type}). Parse errors that quote the input are scrubbed of anything
 * key-shaped and shortened.
 */
@Component
public class JsonBodies {

    private static final byte[] NO_BYTES = new byte[0];

    private final JsonMapper json;
    /**
     * The reader of a chat body's object, made once: the mapper's {@code readValue(parser, ObjectNode.class)}
     * resolved the type on every request through {@code TypeFactory}'s shared cache, whose reads the two event
     * loops took turns draining under a lock, and looked up the root deserializer again (0.4 µs a request and
     * a thread woken now and then, in the profile: docs/PERFORMANCE.md).
     */
    private final ObjectReader objects;

    public JsonBodies(JsonMapper json) {
        this.json = json;
        this.objects = json.readerFor(ObjectNode.class);
    }

    /**
     * The whole request body, empty when there is none: the buffers joined and copied once, without the
     * codec lookup of {@code bodyToMono(byte[].class)}. Its size is bounded before this: the body limit
     * filter refuses a longer declared length and counts a body sent without one.
     */
    public static Mono<byte[]> bytes(ServerRequest request) {
        return DataBufferUtils.join(request.exchange().getRequest().getBody())
                .map(JsonBodies::copyAndRelease)
                .defaultIfEmpty(NO_BYTES);
    }

    /** The buffer's readable bytes as a new array; the buffer is released. */
    public static byte[] copyAndRelease(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /** Parses JSON into a wire record, mapping parse errors to 400s. */
    public <T> T parse(byte[] body, Class<T> type) {
        if (body == null || body.length == 0) {
            throw GatewayException.badRequest("missing_body", "The request body is empty; send a JSON object.");
        }
        try {
            T value = json.readValue(body, type);
            if (value == null) {
                throw GatewayException.badRequest("invalid_json", "The request body must be a JSON object.");
            }
            return value;
        } catch (MismatchedInputException e) {
            String field = path(e);
            throw GatewayException.badRequest("invalid_type", (field.isEmpty() ? "The body" : field)
                    + " must be " + expected(e.getTargetType()) + ".");
        } catch (DatabindException e) {
            String field = path(e);
            throw GatewayException.badRequest("invalid_type", "Invalid value"
                    + (field.isEmpty() ? "" : " for " + field) + ": " + firstLine(e.getOriginalMessage()));
        } catch (JacksonException e) {
            throw GatewayException.badRequest("invalid_json", "The request body is not valid JSON: "
                    + firstLine(e.getOriginalMessage()));
        }
    }

    /**
     * A JSON object body parsed as {@link #parse} does, noting where the value of its top-level string property
     * {@code name} lies in {@code body}: one pass gives both, where a relay that replaces the value would
     * otherwise scan the bytes again. The span is -1 when the property is missing, repeated or not a string.
     */
    public LocatedObject parseObjectLocating(byte[] body, String name) {
        if (body != null && body.length > 0) {
            try (StringValueSpan parser = new StringValueSpan(objects.createParser(body), name)) {
                ObjectNode object = objects.readValue(parser);
                if (object != null && parser.nextToken() == null) {
                    return new LocatedObject(object, parser.start(), parser.end());
                }
            } catch (JacksonException e) {
                // the whole parse below reports it as every surface does
            }
        }
        // anything unusual (empty, not an object, an error, content after the object) is read as it always was
        return new LocatedObject(parse(body, ObjectNode.class), -1, -1);
    }

    /** A parsed object and the byte span of one top-level string value in its body (-1 when not known). */
    public record LocatedObject(ObjectNode object, int start, int end) {
    }

    private static String path(DatabindException e) {
        String path = e.getPathReference();
        if (path == null || path.isEmpty()) {
            return "";
        }
        StringBuilder fields = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                fields.append(fields.length() == 0 ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                fields.append('[').append(ref.getIndex()).append(']');
            }
        }
        return fields.length() == 0 ? "" : "'" + fields + "'";
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "a JSON object";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        String line = SecretScrubber.scrubKeyShaped(message.lines().findFirst().orElse(message));
        return abbreviate(line.replaceAll("\\(class [^)]*\\)", "").replaceAll("`[a-z.]+\\.([A-Za-z$]+)`", "$1"));
    }

    /** At most 160 characters of {@code s}, for quoting client input in an error message. */
    public static String abbreviate(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }
}
