package dev.switchboard.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies everything written to {@code System.out} and {@code System.err} (where the console log appender
 * writes) into memory from the moment it is installed, still passing it through. Installed before the
 * secured gateway starts, so its startup log is captured too. Other captures installed later (Spring's
 * {@code OutputCaptureExtension}, surefire) forward to it, so nothing escapes.
 */
public final class OutputTee {

    private static final int MAX_BYTES = 64 * 1024 * 1024;
    private static final ByteArrayOutputStream CAPTURED = new ByteArrayOutputStream(1 << 20);
    private static boolean installed;
    private static boolean overflowed;

    private OutputTee() {
    }

    public static synchronized void install() {
        if (!installed) {
            installed = true;
            System.setOut(new PrintStream(new Tee(System.out), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new Tee(System.err), true, StandardCharsets.UTF_8));
        }
    }

    /** Everything written since {@link #install()}. */
    public static String captured() {
        synchronized (CAPTURED) {
            if (overflowed) {
                throw new IllegalStateException("more than " + MAX_BYTES + " bytes of output: capture incomplete");
            }
            return CAPTURED.toString(StandardCharsets.UTF_8);
        }
    }

    private static final class Tee extends OutputStream {

        private final PrintStream original;

        public Tee(PrintStream original) {
            this.original = original;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            synchronized (CAPTURED) {
                if (CAPTURED.size() + length <= MAX_BYTES) {
                    CAPTURED.write(bytes, offset, length);
                } else {
                    overflowed = true;
                }
            }
            original.write(bytes, offset, length);
        }

        @Override
        public void flush() {
            original.flush();
        }
    }
}
