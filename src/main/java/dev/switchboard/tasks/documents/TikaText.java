package dev.switchboard.tasks.documents;

import dev.switchboard.chat.GatewayException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.apache.poi.poifs.crypt.Decryptor;
import org.apache.poi.poifs.filesystem.FileMagic;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.html.JSoupParser;
import org.apache.tika.parser.microsoft.OfficeParser;
import org.apache.tika.parser.microsoft.ooxml.OOXMLParser;
import org.apache.tika.parser.microsoft.rtf.RTFParser;
import org.apache.tika.parser.odf.OpenDocumentParser;
import org.apache.tika.parser.txt.UniversalEncodingDetector;
import org.apache.tika.sax.BodyContentHandler;
import org.apache.tika.sax.ContentHandlerDecorator;
import org.apache.tika.sax.WriteOutContentHandler;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;

/**
 * The text of the formats Apache Tika reads for us: Word 97–2003 ({@code .doc}), Excel ({@code .xls},
 * {@code .xlsx}: every sheet, rows as lines, cells separated by tabs), OpenDocument text, RTF and HTML (the
 * body's text: no scripts, styles or markup; the character set from the page or detected). Each format has
 * its own parser, made when needed (so their classes load on first use, not at startup) and called
 * directly: no type detection, no parser discovery, and no embedded documents
 * (attachments inside a file are not opened). CSV is kept as written (delimiters, quotes: models read it
 * well, and Tika's CSV parser would turn it into a table only when it is sure it is one): UTF-8 when it
 * is valid UTF-8, else in the character set Tika's detector finds (Excel on Windows saves windows-1252).
 *
 * <p>The output is bounded: past twice the character limit (whitespace is tidied afterwards) the parse stops
 * with a 413, and the time limit is checked as text comes out.
 */
final class TikaText {

    private static final int CHECK_EVERY = 64;
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    private static final Pattern JAVA_NAME = Pattern.compile("\\b[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*\\.[A-Za-z]");

    private final int maxChars;

    TikaText(int maxChars) {
        this.maxChars = maxChars;
    }

    String read(UploadedFile file, DocumentKind kind, ExtractionDeadline deadline) {
        if (kind == DocumentKind.CSV) {
            return csv(file);
        }
        Parser parser = parserFor(file, kind);
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, file.fileName());
        int writeLimit = (int) Math.min(Integer.MAX_VALUE - 8L, 2L * maxChars + 1024);
        StringWriter text = new StringWriter();
        BodyContentHandler handler = new BodyContentHandler(
                new Watched(new WriteOutContentHandler(text, writeLimit), deadline));
        // no Parser in the context: embedded documents are skipped, not parsed
        ParseContext context = new ParseContext();
        try (TikaInputStream in = TikaInputStream.get(file.bytes())) {
            parser.parse(in, handler, metadata, context);
            return text.toString();
        } catch (EncryptedDocumentException e) {
            throw DocumentErrors.encrypted(file.fileName());
        } catch (IOException | SAXException | TikaException | RuntimeException | LinkageError e) {
            // LinkageError: a part of a format whose library is left out of the build (see pom.xml)
            GatewayException gateway = DocumentErrors.within(e);
            if (gateway != null) {
                throw gateway;
            }
            if (WriteLimitReachedException.isWriteLimitReached(e)) {
                throw DocumentErrors.tooLong(file.fileName(), "more than " + maxChars, maxChars);
            }
            if (isEncrypted(e)) {
                throw DocumentErrors.encrypted(file.fileName());
            }
            throw DocumentErrors.unreadable(file.fileName(), "the " + kind.code() + " document is damaged or uses a "
                    + "feature that cannot be read (" + describe(e) + ")");
        }
    }

    /** The parser for a kind, after checking that the bytes are of that kind. */
    private Parser parserFor(UploadedFile file, DocumentKind kind) {
        FileMagic magic = FileMagic.valueOf(file.bytes());
        return switch (kind) {
            case DOC, XLS -> {
                if (magic != FileMagic.OLE2) {
                    throw DocumentErrors.unreadable(file.fileName(), "it is not a Microsoft Office 97–2003 ."
                            + kind.code() + " file");
                }
                if (isEncryptedContainer(file)) {
                    throw DocumentErrors.encrypted(file.fileName());
                }
                yield new OfficeParser();
            }
            case XLSX -> {
                if (magic == FileMagic.OLE2 && isEncryptedContainer(file)) {
                    throw DocumentErrors.encrypted(file.fileName());
                }
                if (magic != FileMagic.OOXML) {
                    throw DocumentErrors.unreadable(file.fileName(), "it is not an Excel .xlsx workbook");
                }
                yield new OOXMLParser();
            }
            case ODT -> {
                if (magic != FileMagic.OOXML) { // a zip archive, as OOXML is
                    throw DocumentErrors.unreadable(file.fileName(), "it is not an OpenDocument .odt file");
                }
                yield new OpenDocumentParser();
            }
            case RTF -> {
                if (!new String(file.bytes(), 0, Math.min(5, file.size()), StandardCharsets.ISO_8859_1)
                        .equals("{\\rtf")) {
                    throw DocumentErrors.unreadable(file.fileName(), "it is not an RTF document");
                }
                yield new RTFParser();
            }
            case HTML -> {
                if (looksBinary(file.bytes())) {
                    throw DocumentErrors.unreadable(file.fileName(), "it contains binary data, not text");
                }
                yield new JSoupParser();
            }
            default -> throw new IllegalArgumentException("not a Tika kind: " + kind);
        };
    }

    private String csv(UploadedFile file) {
        byte[] bytes = file.bytes();
        if (looksBinary(bytes)) {
            throw DocumentErrors.unreadable(file.fileName(), "it contains binary data, not text");
        }
        Charset charset = isUtf8(bytes) ? StandardCharsets.UTF_8 : detected(bytes);
        String text = new String(bytes, charset);
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private Charset detected(byte[] bytes) {
        try (TikaInputStream in = TikaInputStream.get(bytes)) {
            Charset charset = new UniversalEncodingDetector().detect(in, new Metadata());
            return charset != null ? charset : WINDOWS_1252;
        } catch (IOException e) {
            return WINDOWS_1252;
        }
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** An OLE2 container holding an encrypted OOXML package (how Office saves a password-protected file). */
    static boolean isEncryptedContainer(UploadedFile file) {
        try (POIFSFileSystem fs = new POIFSFileSystem(new ByteArrayInputStream(file.bytes()))) {
            return fs.getRoot().hasEntryCaseInsensitive(Decryptor.DEFAULT_POIFS_ENTRY);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean isEncrypted(Throwable error) {
        for (Throwable at = error; at != null; at = at.getCause() == at ? null : at.getCause()) {
            if (at instanceof EncryptedDocumentException || at instanceof org.apache.poi.EncryptedDocumentException) {
                return true;
            }
        }
        return false;
    }

    private static boolean looksBinary(byte[] bytes) {
        int n = Math.min(bytes.length, 8192);
        // UTF-16 text has NULs too; a byte-order mark says so
        if (n >= 2 && (bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF || bytes[0] == (byte) 0xFF
                && bytes[1] == (byte) 0xFE)) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage().replaceAll("\\s+", " ").strip();
        // library internals (class names) are not for clients
        if (message.isEmpty() || JAVA_NAME.matcher(message).find()) {
            return "no details";
        }
        return message.length() > 160 ? message.substring(0, 160) + "…" : message;
    }

    /** Checks the time limit every few callbacks while the parser writes out text. */
    private static final class Watched extends ContentHandlerDecorator {
        private final ExtractionDeadline deadline;
        private int calls;

        Watched(WriteOutContentHandler handler, ExtractionDeadline deadline) {
            super(handler);
            this.deadline = deadline;
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            tick();
            super.characters(ch, start, length);
        }

        @Override
        public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
            tick();
            super.ignorableWhitespace(ch, start, length);
        }

        @Override
        public void startElement(String uri, String localName, String name, Attributes atts)
                throws SAXException {
            tick();
            super.startElement(uri, localName, name, atts);
        }

        private void tick() {
            if (++calls % CHECK_EVERY == 0) {
                deadline.check("reading its text");
            }
        }
    }
}
