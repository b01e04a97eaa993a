package dev.switchboard.tasks.documents;

import dev.switchboard.chat.GatewayException;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The file types the Task API reads, recognised by file extension, or by content type when there is none,
 * and who reads them: PDFBox ({@code pdf}), Apache POI ({@code docx}), Apache Tika's parsers (the other
 * office formats, HTML, CSV), UTF-8 decoding (text, Markdown), Tesseract or a vision model (images).
 */
public enum DocumentKind {
    PDF("pdf", Reader.PDFBOX),
    DOCX("docx", Reader.POI),
    TEXT("text", Reader.UTF8),
    MARKDOWN("markdown", Reader.UTF8),
    DOC("doc", Reader.TIKA),
    XLS("xls", Reader.TIKA),
    XLSX("xlsx", Reader.TIKA),
    ODT("odt", Reader.TIKA),
    RTF("rtf", Reader.TIKA),
    HTML("html", Reader.TIKA),
    CSV("csv", Reader.TIKA),
    PNG("png", Reader.IMAGE),
    JPEG("jpeg", Reader.IMAGE);

    /** Which library reads a kind. */
    enum Reader {
        PDFBOX, POI, UTF8, TIKA, IMAGE
    }

    private static final Map<String, DocumentKind> EXTENSIONS = Map.ofEntries(
            Map.entry("pdf", PDF), Map.entry("docx", DOCX), Map.entry("txt", TEXT), Map.entry("text", TEXT),
            Map.entry("md", MARKDOWN), Map.entry("markdown", MARKDOWN), Map.entry("doc", DOC), Map.entry("xls", XLS),
            Map.entry("xlsx", XLSX), Map.entry("odt", ODT), Map.entry("rtf", RTF), Map.entry("html", HTML),
            Map.entry("htm", HTML), Map.entry("csv", CSV), Map.entry("png", PNG), Map.entry("jpg", JPEG),
            Map.entry("jpeg", JPEG));
    private static final Map<String, DocumentKind> CONTENT_TYPES = Map.ofEntries(
            Map.entry("application/pdf", PDF),
            Map.entry("application/vnd.openxmlformats-officedocument.wordprocessingml.document", DOCX),
            Map.entry("text/plain", TEXT),
            Map.entry("text/markdown", MARKDOWN),
            Map.entry("text/x-markdown", MARKDOWN),
            Map.entry("application/msword", DOC),
            Map.entry("application/vnd.ms-excel", XLS),
            Map.entry("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", XLSX),
            Map.entry("application/vnd.oasis.opendocument.text", ODT),
            Map.entry("application/rtf", RTF),
            Map.entry("text/rtf", RTF),
            Map.entry("text/html", HTML),
            Map.entry("text/csv", CSV),
            Map.entry("image/png", PNG),
            Map.entry("image/jpeg", JPEG));
    static final String SUPPORTED = "PDF (.pdf), Word (.docx, .doc), Excel (.xlsx, .xls), OpenDocument text (.odt), "
            + "RTF (.rtf), HTML (.html), CSV (.csv), plain text (.txt), Markdown (.md) or an image (.png, .jpg)";

    private final String code;
    private final Reader reader;

    DocumentKind(String code, Reader reader) {
        this.code = code;
        this.reader = reader;
    }

    public String code() {
        return code;
    }

    Reader reader() {
        return reader;
    }

    public boolean isImage() {
        return reader == Reader.IMAGE;
    }

    /** The media type of an image kind ({@code image/png}). */
    String imageMediaType() {
        return "image/" + code;
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
