package dev.switchboard.usage;

import dev.switchboard.database.PostgresText;
import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the request log's JSON documents as the UTF-8 bytes {@code COPY} sends, a NUL (from a client's model
 * name, say) written as the escaped replacement character ({@link PostgresText#JSON_ESCAPES}), so the documents
 * need no pass to make them storable and no encoding after.
 *
 * <p>Each thread keeps one generator open across documents, written one after another as root values with no
 * separator, and takes each document's bytes from its buffer after a flush. A request's end wrote two
 * documents, and creating and closing a generator for each (its I/O context, content reference and buffers)
 * was about 1 µs of sampled CPU a request on the event loop, more than writing them (docs/PERFORMANCE.md, "The
 * request log at saturation, on two connections"). A generator that failed mid-document is dropped, since its
 * state is then unknown, and one is replaced after {@value #DOCUMENTS_PER_GENERATOR} documents, so that its
 * count of root values never wraps.
 */
final class LogDocuments {

    static final int DOCUMENTS_PER_GENERATOR = 1 << 20;

    private final ObjectWriter writer;
    private final int documentsPerGenerator;
    private final ThreadLocal<OpenGenerator> generators = ThreadLocal.withInitial(OpenGenerator::new);

    LogDocuments(JsonMapper json) {
        this(json, DOCUMENTS_PER_GENERATOR);
    }

    LogDocuments(JsonMapper json, int documentsPerGenerator) {
        this.writer = json.writer().with(PostgresText.JSON_ESCAPES).withRootValueSeparator((String) null);
        this.documentsPerGenerator = documentsPerGenerator;
    }

    /** The document {@code content} writes (one JSON value), as bytes. */
    byte[] write(Consumer<JsonGenerator> content) {
        OpenGenerator open = generators.get();
        JsonGenerator generator = open.ready(writer, documentsPerGenerator);
        try {
            content.accept(generator);
            generator.flush();
            return open.take();
        } catch (RuntimeException e) {
            open.drop();
            throw e;
        }
    }

    /** A thread's generator and the buffer it writes into. */
    private static final class OpenGenerator {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        private @Nullable JsonGenerator generator;
        private int documents;

        JsonGenerator ready(ObjectWriter writer, int limit) {
            JsonGenerator current = generator;
            if (current == null || documents >= limit) {
                if (current != null) {
                    current.close();
                }
                out.reset();
                current = writer.createGenerator(out);
                generator = current;
                documents = 0;
            }
            return current;
        }

        byte[] take() {
            byte[] bytes = out.toByteArray();
            out.reset();
            documents++;
            return bytes;
        }

        void drop() {
            generator = null;
            out.reset();
        }
    }
}
