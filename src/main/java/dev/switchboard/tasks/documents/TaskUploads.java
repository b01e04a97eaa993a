package dev.switchboard.tasks.documents;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.config.TaskProperties;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.FilePartEvent;
import org.springframework.http.codec.multipart.FormPartEvent;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads a multipart task request as a stream of part events: form fields as text, the one {@code file}
 * part into memory while counting its bytes, so an oversized upload is refused (413) as soon as it
 * crosses {@code switchboard.tasks.max-file-size}, without buffering or spooling the rest to disk.
 */
public final class TaskUploads {

    public static final String FILE_FIELD = "file";
    private static final int MAX_PARTS = 16;

    private final int maxFileBytes;

    public TaskUploads(TaskProperties properties) {
        this.maxFileBytes = (int) properties.maxFileSize().toBytes();
    }

    /** The form: its text fields and the file, if one was sent. */
    public record Form(Map<String, String> fields, @Nullable UploadedFile file) {
    }

    public Mono<Form> read(ServerRequest request) {
        return request.bodyToFlux(PartEvent.class)
                .windowUntil(PartEvent::isLast)
                .index()
                .concatMap(indexed -> {
                    if (indexed.getT1() >= MAX_PARTS) {
                        return Mono.error(GatewayException.badRequest("too_many_parts",
                                "The form has more than " + MAX_PARTS + " parts."));
                    }
                    return indexed.getT2().switchOnFirst((first, events) -> first.hasValue()
                            ? readPart(first.get(), events)
                            : events.then(Mono.<Part>empty()));
                })
                .collectList()
                .map(parts -> {
                    Map<String, String> fields = new LinkedHashMap<>();
                    UploadedFile file = null;
                    for (Part part : parts) {
                        if (part.file() != null) {
                            if (file != null) {
                                throw GatewayException.badRequest("too_many_files", "Send one file per request.");
                            }
                            file = part.file();
                        } else if (fields.putIfAbsent(part.name(), part.value()) != null) {
                            throw GatewayException.badRequest("duplicate_field", "The field '" + part.name()
                                    + "' is sent twice.");
                        }
                    }
                    return new Form(fields, file);
                })
                // Spring's multipart parser throws plain runtime exceptions on some malformed part
                // headers (e.g. a Content-Disposition name with a line break): that is a bad request
                .onErrorMap(error -> !(error instanceof GatewayException)
                                && !(error instanceof DataBufferLimitException)
                                && !(error instanceof ResponseStatusException),
                        error -> GatewayException.badRequest("invalid_multipart",
                                "The multipart form could not be read: its structure or part headers are malformed."));
    }

    private Mono<Part> readPart(PartEvent first, Flux<PartEvent> events) {
        if (first instanceof FilePartEvent filePart) {
            if (!FILE_FIELD.equals(first.name())) {
                return events.doOnNext(TaskUploads::release).then(Mono.error(GatewayException.badRequest(
                        "unexpected_file_field", "Send the file in the form field 'file', not '" + first.name() + "'.")));
            }
            MediaType type = first.headers().getContentType();
            String contentType = type == null ? null : type.toString();
            return Mono.defer(() -> {
                Bytes bytes = new Bytes(filePart.filename(), maxFileBytes);
                return events.doOnNext(event -> bytes.append(event.content()))
                        .then(Mono.fromSupplier(() -> new Part(first.name(), null,
                                new UploadedFile(filePart.filename(), contentType, bytes.toArray()))));
            });
        }
        if (first instanceof FormPartEvent field) {
            return events.doOnNext(TaskUploads::release).then(Mono.just(new Part(field.name(), field.value(), null)));
        }
        return events.doOnNext(TaskUploads::release).then(Mono.empty());
    }

    private static void release(PartEvent event) {
        DataBufferUtils.release(event.content());
    }

    /** A text field or the file. */
    private record Part(String name, @Nullable String value, @Nullable UploadedFile file) {
    }

    /** A growing byte array with a hard cap; every buffer handed to it is released. */
    private static final class Bytes {
        private final String fileName;
        private final int max;
        private byte[] data;
        private int size;

        public Bytes(String fileName, int max) {
            this.fileName = fileName;
            this.max = max;
            this.data = new byte[Math.min(max, 64 * 1024)];
        }

        public void append(DataBuffer buffer) {
            try {
                int n = buffer.readableByteCount();
                if ((long) size + n > max) {
                    throw new GatewayException(413, "invalid_request_error", "file_too_large", "The file '" + fileName
                            + "' is larger than the limit of " + max + " bytes.", null);
                }
                if (size + n > data.length) {
                    data = Arrays.copyOf(data, (int) Math.min(max, Math.max((long) data.length * 2, size + n)));
                }
                buffer.read(data, size, n);
                size += n;
            } finally {
                DataBufferUtils.release(buffer);
            }
        }

        public byte[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
