package dev.switchboard.tasks.documents;

import dev.switchboard.chat.GatewayException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.pdmodel.graphics.PDXObject;
import org.apache.pdfbox.pdmodel.graphics.form.PDFormXObject;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.poifs.filesystem.FileMagic;
import org.jspecify.annotations.Nullable;

/**
 * A PDF's text, page by page, with PDFBox. A page without a text layer that shows an image is taken for a
 * scan: it is rendered (grey, at the OCR resolution, lowered if the page would exceed the pixel limit) and
 * read by Tesseract. Without OCR, a PDF that is all scans is a 422 {@code ocr_unavailable}; one that has
 * text elsewhere keeps that text and says in its file metadata how many pages were not read.
 */
final class PdfText {

    private static final int MAX_FORM_DEPTH = 3;

    private final int maxPages;
    private final long maxPixels;
    private final TesseractOcr ocr;

    PdfText(int maxPages, long maxPixels, TesseractOcr ocr) {
        this.maxPages = maxPages;
        this.maxPixels = maxPixels;
        this.ocr = ocr;
    }

    /** The text and what it took: pages, pages read by OCR, scanned pages left unread (no OCR here). */
    record Pages(String text, int pages, int ocrPages, int unreadPages) {
    }

    Pages read(UploadedFile file, ExtractionDeadline deadline) {
        if (FileMagic.valueOf(file.bytes()) != FileMagic.PDF) {
            throw DocumentErrors.unreadable(file.fileName(), "it is not a PDF document");
        }
        try (PDDocument document = Loader.loadPDF(file.bytes())) {
            int pages = document.getNumberOfPages();
            if (pages > maxPages) {
                throw DocumentErrors.tooManyPages(file.fileName(), pages, maxPages);
            }
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            List<String> texts = new ArrayList<>(pages);
            List<Integer> scanned = new ArrayList<>();
            for (int page = 1; page <= pages; page++) {
                deadline.check("page " + page + " of " + pages);
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                String text = stripper.getText(document);
                texts.add(text);
                if (text.isBlank() && showsImage(document.getPage(page - 1).getResources(), 0)) {
                    scanned.add(page);
                }
            }
            int unread = 0;
            if (!scanned.isEmpty()) {
                TesseractOcr.Availability availability = ocr.availability();
                if (availability.available()) {
                    PDFRenderer renderer = new PDFRenderer(document);
                    for (int page : scanned) {
                        texts.set(page - 1, ocrPage(document, renderer, page, pages, deadline));
                    }
                } else if (texts.stream().allMatch(String::isBlank)) {
                    throw DocumentErrors.ocrUnavailable(file.fileName(), "is a scan without a text layer ("
                            + scanned.size() + " of " + pages + " pages)", availability.detail());
                } else {
                    unread = scanned.size();
                }
            }
            return new Pages(String.join("\n\n", texts), pages, unread > 0 ? 0 : scanned.size(), unread);
        } catch (InvalidPasswordException e) {
            throw DocumentErrors.encrypted(file.fileName());
        } catch (IOException | RuntimeException e) {
            GatewayException gateway = DocumentErrors.within(e);
            if (gateway != null) {
                throw gateway;
            }
            throw DocumentErrors.unreadable(file.fileName(), "the PDF is damaged (" + e.getMessage() + ")");
        }
    }

    private String ocrPage(PDDocument document, PDFRenderer renderer, int page, int pages, ExtractionDeadline deadline)
            throws IOException {
        String what = "OCR of page " + page + " of " + pages;
        deadline.check(what);
        int dpi = dpiWithin(document.getPage(page - 1), ocr.dpi());
        BufferedImage image = renderer.renderImageWithDPI(page - 1, dpi, ImageType.GRAY);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        image.flush();
        return ocr.read(png.toByteArray(), "png", dpi, deadline, what);
    }

    /** The OCR resolution, lowered so the rendered page stays within the pixel limit (a poster-sized page). */
    private int dpiWithin(PDPage page, int dpi) {
        PDRectangle box = page.getCropBox();
        double inches = Math.max(box.getWidth(), 1) / 72.0 * Math.max(box.getHeight(), 1) / 72.0;
        double pixels = inches * dpi * dpi;
        if (pixels <= maxPixels) {
            return dpi;
        }
        return Math.max(1, (int) Math.floor(dpi * Math.sqrt(maxPixels / pixels)));
    }

    /** Whether the page draws an image, directly or inside a form (a few levels deep). */
    private static boolean showsImage(@Nullable PDResources resources, int depth) throws IOException {
        if (resources == null || depth > MAX_FORM_DEPTH) {
            return false;
        }
        for (COSName name : resources.getXObjectNames()) {
            PDXObject object = resources.getXObject(name);
            if (object instanceof PDImageXObject) {
                return true;
            }
            if (object instanceof PDFormXObject form && showsImage(form.getResources(), depth + 1)) {
                return true;
            }
        }
        return false;
    }
}
