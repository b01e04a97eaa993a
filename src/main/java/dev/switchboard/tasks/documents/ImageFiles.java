package dev.switchboard.tasks.documents;

import dev.switchboard.chat.GatewayException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Checks an uploaded image before anyone decodes it: that it is what its name says (PNG or JPEG), and how
 * many pixels it has, read from its header only, so a small file that would unpack into gigabytes is
 * refused (413) without being unpacked.
 */
final class ImageFiles {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

    private ImageFiles() {
    }

    /** Throws the 4xx for an image that is not of its kind, damaged, or over the pixel limit. */
    static void check(UploadedFile file, DocumentKind kind, long maxPixels) {
        byte[] bytes = file.bytes();
        String format = kind == DocumentKind.PNG ? "png" : "jpeg";
        if (!startsWith(bytes, kind == DocumentKind.PNG ? PNG : JPEG)) {
            throw DocumentErrors.unreadable(file.fileName(), "it is not a " + format.toUpperCase(Locale.ROOT)
                    + " image");
        }
        long pixels = pixels(file, format);
        if (pixels > maxPixels) {
            throw DocumentErrors.imageTooLarge(file.fileName(), "image", pixels, maxPixels);
        }
    }

    private static long pixels(UploadedFile file, String format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw DocumentErrors.unreadable(file.fileName(), "no reader for " + format + " images");
        }
        ImageReader reader = readers.next();
        // a memory cache: ImageIO's default for streams is a temporary file per read
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(file.bytes()))) {
            reader.setInput(in, true, true);
            long width = reader.getWidth(0);
            long height = reader.getHeight(0);
            if (width < 1 || height < 1) {
                throw DocumentErrors.unreadable(file.fileName(), "the image has no pixels");
            }
            return width * height;
        } catch (IOException | RuntimeException e) {
            if (e instanceof GatewayException gateway) {
                throw gateway;
            }
            throw DocumentErrors.unreadable(file.fileName(), "the image is damaged");
        } finally {
            reader.dispose();
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] magic) {
        if (bytes.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (bytes[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
