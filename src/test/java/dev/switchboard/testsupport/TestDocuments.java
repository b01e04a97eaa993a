package dev.switchboard.testsupport;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.poi.hssf.record.crypto.Biff8EncryptionKey;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.poifs.crypt.EncryptionInfo;
import org.apache.poi.poifs.crypt.EncryptionMode;
import org.apache.poi.poifs.crypt.Encryptor;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/**
 * Small documents made on the fly with PDFBox, POI and java.awt, so almost no binary fixtures live in the
 * repository: the one exception is a Word 97 {@code .doc} (nothing in Java writes that format from scratch),
 * {@code src/test/resources/documents/legacy.doc}, saved by LibreOffice from two lines of text.
 */
public final class TestDocuments {

    private TestDocuments() {
    }

    /** A PDF with one page per entry, each page showing its text. */
    public static byte[] pdf(List<String> pages) {
        return pdf(pages, null);
    }

    /** A PDF that opens only with the user password {@code secret}. */
    public static byte[] encryptedPdf(String text) {
        return pdf(List.of(text), "secret");
    }

    /** A PDF page with nothing on it (what a scan without text layer looks like to a text extractor). */
    public static byte[] blankPdf() {
        try (PDDocument document = new PDDocument()) {
            document.addPage(new PDPage());
            return save(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] docx(List<String> paragraphs) {
        try (XWPFDocument document = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            for (String paragraph : paragraphs) {
                document.createParagraph().createRun().setText(paragraph);
            }
            document.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A .docx protected with a password, as Word writes it (an OLE2 container with an EncryptedPackage). */
    public static byte[] encryptedDocx(String text) {
        return encryptedOoxml(docx(List.of(text)));
    }

    /** An .xlsx protected with a password, as Excel writes it. */
    public static byte[] encryptedXlsx(Map<String, List<List<Object>>> sheets) {
        return encryptedOoxml(xlsx(sheets));
    }

    private static byte[] encryptedOoxml(byte[] document) {
        try (POIFSFileSystem fs = new POIFSFileSystem(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            Encryptor encryptor = new EncryptionInfo(EncryptionMode.agile).getEncryptor();
            encryptor.confirmPassword("secret");
            try (OutputStream data = encryptor.getDataStream(fs)) {
                data.write(document);
            }
            fs.writeFilesystem(out);
            return out.toByteArray();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The committed Word 97 document: "Grace Hopper" and "Rear admiral and COBOL pioneer", one paragraph each. */
    public static byte[] doc() {
        try (InputStream in = TestDocuments.class.getResourceAsStream("/documents/legacy.doc")) {
            if (in == null) {
                throw new IllegalStateException("src/test/resources/documents/legacy.doc is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An .xlsx workbook: sheet name to rows of cells (strings and numbers). */
    public static byte[] xlsx(Map<String, List<List<Object>>> sheets) {
        try (XSSFWorkbook workbook = new XSSFWorkbook()) {
            return workbook(workbook, sheets);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An Excel 97 .xls workbook. */
    public static byte[] xls(Map<String, List<List<Object>>> sheets) {
        try (HSSFWorkbook workbook = new HSSFWorkbook()) {
            return workbook(workbook, sheets);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An Excel 97 .xls workbook that opens only with the password {@code secret} (RC4, as Excel writes it). */
    public static byte[] encryptedXls(Map<String, List<List<Object>>> sheets) {
        Biff8EncryptionKey.setCurrentUserPassword("secret");
        try {
            return xls(sheets);
        } finally {
            Biff8EncryptionKey.setCurrentUserPassword(null);
        }
    }

    private static byte[] workbook(Workbook workbook, Map<String, List<List<Object>>> sheets) throws IOException {
        sheets.forEach((name, rows) -> {
            Sheet sheet = workbook.createSheet(name);
            for (int r = 0; r < rows.size(); r++) {
                Row row = sheet.createRow(r);
                List<Object> cells = rows.get(r);
                for (int c = 0; c < cells.size(); c++) {
                    Object value = cells.get(c);
                    if (value instanceof Number number) {
                        row.createCell(c).setCellValue(number.doubleValue());
                    } else {
                        row.createCell(c).setCellValue(String.valueOf(value));
                    }
                }
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        workbook.write(out);
        return out.toByteArray();
    }

    /** An OpenDocument text (.odt): the zip LibreOffice writes, reduced to what a reader needs. */
    public static byte[] odt(List<String> paragraphs) {
        StringBuilder body = new StringBuilder();
        for (String paragraph : paragraphs) {
            body.append("<text:p>").append(xml(paragraph)).append("</text:p>");
        }
        String content = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
                + "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">"
                + "<office:body><office:text>" + body + "</office:text></office:body></office:document-content>";
        String manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" "
                + "manifest:version=\"1.2\"><manifest:file-entry manifest:full-path=\"/\" "
                + "manifest:media-type=\"application/vnd.oasis.opendocument.text\"/><manifest:file-entry "
                + "manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            byte[] mimetype = "application/vnd.oasis.opendocument.text".getBytes(StandardCharsets.US_ASCII);
            ZipEntry first = new ZipEntry("mimetype"); // first and uncompressed, as the format requires
            first.setMethod(ZipEntry.STORED);
            first.setSize(mimetype.length);
            CRC32 crc = new CRC32();
            crc.update(mimetype);
            first.setCrc(crc.getValue());
            zip.putNextEntry(first);
            zip.write(mimetype);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("META-INF/manifest.xml"));
            zip.write(manifest.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("content.xml"));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** An RTF document with one paragraph per entry (ASCII text). */
    public static byte[] rtf(List<String> paragraphs) {
        StringBuilder rtf = new StringBuilder("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Helvetica;}}\\f0\\fs24 ");
        for (String paragraph : paragraphs) {
            rtf.append(paragraph.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")).append("\\par\n");
        }
        return rtf.append('}').toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Text in a character set, e.g. a CSV as Excel saves it on Windows (windows-1252). */
    public static byte[] text(String text, Charset charset) {
        return text.getBytes(charset);
    }

    /** A PNG showing the lines in large black letters on white, as a scanner or a screenshot would. */
    public static byte[] png(List<String> lines) {
        return image(render(lines), "png");
    }

    /** The same as a JPEG. */
    public static byte[] jpeg(List<String> lines) {
        return image(render(lines), "jpeg");
    }

    /** A blank PNG of the given size (compresses to almost nothing, whatever its pixels). */
    public static byte[] pngOfSize(int width, int height) {
        return image(new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY), "png");
    }

    /** A PDF whose pages are pictures of text with no text layer: a scan. One page per entry. */
    public static byte[] scannedPdf(List<String> pages) {
        return scannedPdf(List.of(), pages);
    }

    /** A PDF with text pages first (a text layer), then scanned pages (pictures of text only). */
    public static byte[] scannedPdf(List<String> textPages, List<String> scannedPages) {
        try (PDDocument document = new PDDocument()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            for (String text : textPages) {
                PDPage page = new PDPage();
                document.addPage(page);
                try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                    content.beginText();
                    content.setFont(font, 12);
                    content.newLineAtOffset(72, 720);
                    content.showText(text);
                    content.endText();
                }
            }
            for (String text : scannedPages) {
                PDPage page = new PDPage();
                document.addPage(page);
                PDImageXObject scan = LosslessFactory.createFromImage(document, render(List.of(text)));
                try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                    // the picture across the top of the page, at about 150 dpi
                    float width = scan.getWidth() * 72f / 150f;
                    float height = scan.getHeight() * 72f / 150f;
                    content.drawImage(scan, 36, page.getMediaBox().getHeight() - 36 - height, width, height);
                }
            }
            return save(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedImage render(List<String> lines) {
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 40);
        int width = 1400;
        int lineHeight = 64;
        BufferedImage image = new BufferedImage(width, 80 + lineHeight * lines.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(font);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            for (int i = 0; i < lines.size(); i++) {
                g.drawString(lines.get(i), 40, 60 + lineHeight * i);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static byte[] image(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static byte[] pdf(List<String> pages, String userPassword) {
        try (PDDocument document = new PDDocument()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            for (String text : pages) {
                PDPage page = new PDPage();
                document.addPage(page);
                try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                    content.beginText();
                    content.setFont(font, 12);
                    content.newLineAtOffset(72, 720);
                    content.showText(text);
                    content.endText();
                }
            }
            if (userPassword != null) {
                StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-" + userPassword, userPassword,
                        new AccessPermission());
                policy.setEncryptionKeyLength(128);
                document.protect(policy);
            }
            return save(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] save(PDDocument document) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        document.save(out);
        return out.toByteArray();
    }
}
