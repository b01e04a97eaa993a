package dev.switchboard.tasks.documents;

import dev.switchboard.chat.ContentPart;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.config.TaskDocumentProperties;
import dev.switchboard.config.TaskProperties;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.poi.EncryptedDocumentException;
import org.apache.poi.poifs.filesystem.FileMagic;
import org.apache.poi.xwpf.extractor.XWPFWordExtractor;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The text of an uploaded document, or the image itself for a task that sends images to a vision model.
 * PDF with PDFBox (scanned pages through Tesseract, {@link PdfText}), DOCX with Apache POI, the other
 * office formats, HTML and CSV with Apache Tika ({@link TikaText}), plain text and Markdown as UTF-8
 * (Markdown is kept as it is: models read it well), PNG and JPEG images through Tesseract
 * ({@link TesseractOcr}). Parsing is blocking and CPU-heavy, so it always runs on the bounded-elastic
 * scheduler, never on an event loop, within the time limit {@code switchboard.tasks.documents.timeout}.
 * Each failure is a 4xx that says what is wrong with the file.
 */
public final class DocumentText {

    /** What a vision task's templates see as {@code input}: the image itself travels as an image part. */
    public static final String IMAGE_INPUT = "(see the attached image)";

    private final int maxChars;
    private final Duration timeout;
    private final long maxPixels;
    private final TesseractOcr ocr;
    private final PdfText pdf;
    private final TikaText tika;

    public DocumentText(TaskProperties properties, TaskDocumentProperties documents) {
        this(properties, documents, new TesseractOcr(documents.ocr()));
    }

    DocumentText(TaskProperties properties, TaskDocumentProperties documents, TesseractOcr ocr) {
        this.maxChars = properties.maxInputChars();
        this.timeout = documents.timeout();
        this.maxPixels = documents.maxImagePixels();
        this.ocr = ocr;
        this.pdf = new PdfText(properties.maxPages(), documents.maxImagePixels(), ocr);
        this.tika = new TikaText(properties.maxInputChars());
    }

    /** How the text was obtained. */
    public enum Method {
        /** From the file's own text. */
        TEXT("text"),
        /** Read by Tesseract from an image, or from every page of a scanned PDF. */
        OCR("ocr"),
        /** A PDF with a text layer on some pages and scans, read by OCR, on others. */
        TEXT_AND_OCR("text+ocr"),
        /** Not read: the image goes to the model as an image part. */
        VISION("vision");

        private final String code;

        Method(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /**
     * What was read from a file. {@code pages} is 0 where the format has no fixed pages; {@code unreadPages}
     * counts scanned PDF pages left out because OCR is not available; {@code image} is set for
     * {@link Method#VISION} only.
     */
    public record Extracted(String text, DocumentKind kind, int pages, Method method, int ocrPages, int unreadPages,
            ContentPart.@Nullable Image image) {

        public Extracted(String text, DocumentKind kind, int pages) {
            this(text, kind, pages, Method.TEXT, 0, 0, null);
        }

        /** The file as a task record's {@code metadata.file} shows it. */
        public Map<String, Object> info(UploadedFile file) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("name", file.fileName());
            info.put("kind", kind.code());
            info.put("size_bytes", file.size());
            if (pages > 0) {
                info.put("pages", pages);
            }
            info.put("extraction", method.code());
            if (ocrPages > 0) {
                info.put("ocr_pages", ocrPages);
            }
            if (unreadPages > 0) {
                info.put("unread_pages", unreadPages);
            }
            return info;
        }
    }

    /** The file's text; images are read by OCR. */
    public Mono<Extracted> extract(UploadedFile file) {
        return extract(file, false);
    }

    /** The file's text; with {@code imagesToModel}, an image is kept as an image part instead of being read. */
    public Mono<Extracted> extract(UploadedFile file, boolean imagesToModel) {
        return Mono.fromCallable(() -> extractNow(file, imagesToModel))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(timeout, Mono.error(() -> DocumentErrors.timedOut(file.fileName(), timeout, "reading it")));
    }

    /** The blocking part; public for unit tests. */
    public Extracted extractNow(UploadedFile file) {
        return extractNow(file, false);
    }

    /** The blocking part; public for unit tests. */
    public Extracted extractNow(UploadedFile file, boolean imagesToModel) {
        DocumentKind kind = DocumentKind.of(file.fileName(), file.contentType());
        if (file.size() == 0) {
            throw DocumentErrors.empty(file.fileName(), "is empty.");
        }
        ExtractionDeadline deadline = ExtractionDeadline.start(file.fileName(), timeout);
        if (kind.isImage()) {
            ImageFiles.check(file, kind, maxPixels);
            if (imagesToModel) {
                String base64 = Base64.getEncoder().encodeToString(file.bytes());
                return new Extracted(IMAGE_INPUT, kind, 0, Method.VISION, 0, 0,
                        ContentPart.Image.inline(kind.imageMediaType(), base64, null));
            }
        }
        Extracted extracted = switch (kind.reader()) {
            case PDFBOX -> pdf(file, deadline);
            case POI -> docx(file, deadline);
            case UTF8 -> new Extracted(utf8(file), kind, 0);
            case TIKA -> new Extracted(tika.read(file, kind, deadline), kind, 0);
            case IMAGE -> image(file, kind, deadline);
        };
        String text = normalise(extracted.text());
        if (text.isEmpty()) {
            throw DocumentErrors.empty(file.fileName(), "contains no text" + emptyReason(extracted) + ".");
        }
        if (text.length() > maxChars) {
            throw DocumentErrors.tooLong(file.fileName(), Integer.toString(text.length()), maxChars);
        }
        return new Extracted(text, extracted.kind(), extracted.pages(), extracted.method(), extracted.ocrPages(),
                extracted.unreadPages(), null);
    }

    private Extracted pdf(UploadedFile file, ExtractionDeadline deadline) {
        PdfText.Pages read = pdf.read(file, deadline);
        Method method = read.ocrPages() == 0 ? Method.TEXT
                : read.ocrPages() == read.pages() ? Method.OCR : Method.TEXT_AND_OCR;
        return new Extracted(read.text(), DocumentKind.PDF, read.pages(), method, read.ocrPages(), read.unreadPages(),
                null);
    }

    private Extracted image(UploadedFile file, DocumentKind kind, ExtractionDeadline deadline) {
        TesseractOcr.Availability availability = ocr.availability();
        if (!availability.available()) {
            throw DocumentErrors.ocrUnavailable(file.fileName(), "is an image", availability.detail());
        }
        String text = ocr.read(file.bytes(), kind == DocumentKind.PNG ? "png" : "jpg", 0, deadline, "OCR of the image");
        return new Extracted(text, kind, 0, Method.OCR, 0, 0, null);
    }

    private static String emptyReason(Extracted extracted) {
        if (extracted.method() == Method.OCR && extracted.kind().isImage()) {
            return ": OCR found no text in the image";
        }
        if (extracted.kind() == DocumentKind.PDF) {
            return extracted.ocrPages() > 0 ? ": OCR found no text on its " + extracted.ocrPages() + " scanned page(s)"
                    : " (its pages have neither a text layer nor images to read with OCR)";
        }
        return "";
    }

    private Extracted docx(UploadedFile file, ExtractionDeadline deadline) {
        FileMagic magic = FileMagic.valueOf(file.bytes());
        if (magic == FileMagic.OLE2) {
            if (TikaText.isEncryptedContainer(file)) {
                throw DocumentErrors.encrypted(file.fileName());
            }
            // a Word 97-2003 document saved under a .docx name: read it as what it is
            return new Extracted(tika.read(file, DocumentKind.DOC, deadline), DocumentKind.DOC, 0);
        }
        if (magic != FileMagic.OOXML) {
            throw DocumentErrors.unreadable(file.fileName(), "it is not a Word .docx document");
        }
        try (XWPFDocument document = new XWPFDocument(new ByteArrayInputStream(file.bytes()));
                XWPFWordExtractor extractor = new XWPFWordExtractor(document)) {
            return new Extracted(extractor.getText(), DocumentKind.DOCX, 0);
        } catch (EncryptedDocumentException e) {
            throw DocumentErrors.encrypted(file.fileName());
        } catch (IOException | RuntimeException e) {
            throw DocumentErrors.unreadable(file.fileName(), "the document is damaged (" + e.getMessage() + ")");
        }
    }

    private static String utf8(UploadedFile file) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(file.bytes()))
                    .toString();
            if (text.indexOf('\0') >= 0) {
                throw DocumentErrors.unreadable(file.fileName(), "it contains binary data, not text");
            }
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new GatewayException(415, "invalid_request_error", "unsupported_encoding", "The file '"
                    + file.fileName() + "' is not UTF-8 text; save it as UTF-8.", null);
        }
    }

    /** Unix line ends, no trailing spaces, at most one blank line in a row. */
    public static String normalise(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n')
                .replaceAll("[ \\t\\x0B\\f]+\n", "\n")
                .replaceAll("\n{3,}", "\n\n")
                .strip();
    }
}
