package dev.switchboard.tasks.documents;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.config.TaskProperties;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.EncryptedDocumentException;
import org.apache.poi.poifs.crypt.Decryptor;
import org.apache.poi.poifs.filesystem.FileMagic;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.xwpf.extractor.XWPFWordExtractor;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The text of an uploaded document: PDF with PDFBox, DOCX with Apache POI, plain text and Markdown as
 * UTF-8 (Markdown is kept as it is: models read it well). Parsing is blocking and CPU-heavy, so it always
 * runs on the bounded-elastic scheduler, never on an event loop. Each failure is a 4xx that says what
 * is wrong with the file.
 */
public final class DocumentText {

    private final int maxPages;
    private final int maxChars;

    public DocumentText(TaskProperties properties) {
        this.maxPages = properties.maxPages();
        this.maxChars = properties.maxInputChars();
    }

    /** What was read from a file. {@code pages} is 0 where the format has no fixed pages. */
    public record Extracted(String text, DocumentKind kind, int pages) {
    }

    public Mono<Extracted> extract(UploadedFile file) {
        return Mono.fromCallable(() -> extractNow(file)).subscribeOn(Schedulers.boundedElastic());
    }

    /** The blocking part; public to the package for unit tests. */
    public Extracted extractNow(UploadedFile file) {
        DocumentKind kind = DocumentKind.of(file.fileName(), file.contentType());
        if (file.size() == 0) {
            throw GatewayException.badRequest("empty_file", "The file '" + file.fileName() + "' is empty.");
        }
        Extracted extracted = switch (kind) {
            case PDF -> pdf(file);
            case DOCX -> docx(file);
            case TEXT, MARKDOWN -> new Extracted(utf8(file), kind, 0);
        };
        String text = normalise(extracted.text());
        if (text.isEmpty()) {
            throw GatewayException.badRequest("empty_file", "The file '" + file.fileName() + "' contains no text"
                    + (kind == DocumentKind.PDF ? " (a scanned PDF without a text layer needs OCR first)." : "."));
        }
        if (text.length() > maxChars) {
            throw new GatewayException(413, "invalid_request_error", "input_too_long", "The text of '"
                    + file.fileName() + "' has " + text.length() + " characters; at most " + maxChars
                    + " are accepted.", null);
        }
        return new Extracted(text, kind, extracted.pages());
    }

    private Extracted pdf(UploadedFile file) {
        if (FileMagic.valueOf(file.bytes()) != FileMagic.PDF) {
            throw unreadable(file, "it is not a PDF document");
        }
        try (PDDocument document = Loader.loadPDF(file.bytes())) {
            int pages = document.getNumberOfPages();
            if (pages > maxPages) {
                throw new GatewayException(413, "invalid_request_error", "too_many_pages", "The PDF '"
                        + file.fileName() + "' has " + pages + " pages; at most " + maxPages + " are accepted.", null);
            }
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            return new Extracted(stripper.getText(document), DocumentKind.PDF, pages);
        } catch (InvalidPasswordException e) {
            throw encrypted(file);
        } catch (IOException | RuntimeException e) {
            if (e instanceof GatewayException gateway) {
                throw gateway;
            }
            throw unreadable(file, "the PDF is damaged (" + e.getMessage() + ")");
        }
    }

    private Extracted docx(UploadedFile file) {
        FileMagic magic = FileMagic.valueOf(file.bytes());
        if (magic == FileMagic.OLE2) {
            throw isEncryptedOffice(file) ? encrypted(file) : unreadable(file,
                    "it is a legacy Word .doc file; save it as .docx");
        }
        if (magic != FileMagic.OOXML) {
            throw unreadable(file, "it is not a Word .docx document");
        }
        try (XWPFDocument document = new XWPFDocument(new ByteArrayInputStream(file.bytes()));
                XWPFWordExtractor extractor = new XWPFWordExtractor(document)) {
            return new Extracted(extractor.getText(), DocumentKind.DOCX, 0);
        } catch (EncryptedDocumentException e) {
            throw encrypted(file);
        } catch (IOException | RuntimeException e) {
            throw unreadable(file, "the document is damaged (" + e.getMessage() + ")");
        }
    }

    private static boolean isEncryptedOffice(UploadedFile file) {
        try (POIFSFileSystem fs = new POIFSFileSystem(new ByteArrayInputStream(file.bytes()))) {
            return fs.getRoot().hasEntryCaseInsensitive(Decryptor.DEFAULT_POIFS_ENTRY);
        } catch (IOException | RuntimeException e) {
            return false;
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
                throw unreadable(file, "it contains binary data, not text");
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

    private static GatewayException encrypted(UploadedFile file) {
        return new GatewayException(422, "invalid_request_error", "encrypted_file", "The file '" + file.fileName()
                + "' is password-protected; upload a copy without a password.", null);
    }

    private static GatewayException unreadable(UploadedFile file, String why) {
        return new GatewayException(422, "invalid_request_error", "unreadable_file", "The file '" + file.fileName()
                + "' could not be read: " + why + ".", null);
    }
}
