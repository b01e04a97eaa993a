package dev.switchboard.tasks.documents;

import dev.switchboard.chat.GatewayException;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The file types the Task API reads, recognised by file extension, or by content type when there is none. */
public enum DocumentKind {
    PDF("pdf"), DOCX("docx"), TEXT("text"), MARKDOWN("markdown");

    private static final Map<String, DocumentKind> EXTENSIONS = Map.of(
            "pdf", PDF, "docx", DOCX, "txt", TEXT, "text", TEXT, "md", MARKDOWN, "markdown", MARKDOWN);
    private static final Map<String, DocumentKind> CONTENT_TYPES = Map.of(
            "application/pdf", PDF,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", DOCX,
            "text/plain", TEXT,
            "text/markdown", MARKDOWN,
            "text/x-markdown", MARKDOWN);
    static final String SUPPORTED = "PDF (.pdf), Word (.docx), plain text (.txt) or Markdown (.md)";

    private final String code;

    DocumentKind(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The kind of an upload, or a 415 {@code unsupported_file_type}. */
    public static DocumentKind of(String fileName, @Nullable String contentType) {
        String extension = extension(fileName);
        if (extension != null) {
            DocumentKind kind = EXTENSIONS.get(extension);
            if (kind != null) {
                return kind;
            }
            throw unsupported(fileName, "." + extension);
        }
        String type = contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        DocumentKind kind = CONTENT_TYPES.get(type);
        if (kind == null) {
            throw unsupported(fileName, type.isEmpty() ? "no extension or content type" : type);
        }
        return kind;
    }

    private static @Nullable String extension(String fileName) {
        int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
        String base = fileName.substring(slash + 1);
        int dot = base.lastIndexOf('.');
        return dot <= 0 || dot == base.length() - 1 ? null : base.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static GatewayException unsupported(String fileName, String what) {
        return new GatewayException(415, "invalid_request_error", "unsupported_file_type", "The file '" + fileName
                + "' (" + what + ") is not supported; send " + SUPPORTED + ".", null);
    }
}
