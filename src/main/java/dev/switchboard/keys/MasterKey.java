package dev.switchboard.keys;

import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The key that encrypts provider keys stored in PostgreSQL ({@code SWITCHBOARD_MASTER_KEY}, property
 * {@code switchboard.keys.master-key}): 32 random bytes (AES-256) in base64, e.g. from
 * {@code openssl rand -base64 32}. Every instance on one database needs the same one. It never leaves the
 * process: {@link #toString()} hides it.
 */
public final class MasterKey {

    /** Where it is read from. */
    public static final String PROPERTY = "switchboard.keys.master-key";
    public static final String ENVIRONMENT = "SWITCHBOARD_MASTER_KEY";
    static final int BYTES = 32;

    private final SecretKey key;

    private MasterKey(byte[] bytes) {
        this.key = new SecretKeySpec(bytes, "AES");
    }

    /**
     * The master key in this setting, or null when it is not set (then keys added at runtime stay in memory).
     *
     * @throws InvalidMasterKeyException when it is set but is not base64 of 32 bytes
     */
    public static @Nullable MasterKey parse(@Nullable String base64) {
        String problem = problem(base64);
        if (problem != null) {
            throw new InvalidMasterKeyException(problem);
        }
        if (base64 == null || base64.isBlank()) {
            return null;
        }
        return new MasterKey(decode(base64.strip()));
    }

    /** What is wrong with the setting, or null when it is fine or not set. */
    static @Nullable String problem(@Nullable String base64) {
        if (base64 == null || base64.isBlank()) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = decode(base64.strip());
        } catch (IllegalArgumentException e) {
            return ENVIRONMENT + " is not valid base64";
        }
        if (bytes.length != BYTES) {
            return ENVIRONMENT + " decodes to " + bytes.length + " bytes; it must be " + BYTES + " (AES-256)";
        }
        return null;
    }

    private static byte[] decode(String base64) {
        return base64.indexOf('-') >= 0 || base64.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(base64)
                : Base64.getDecoder().decode(base64);
    }

    SecretKey secretKey() {
        return key;
    }

    @Override
    public String toString() {
        return "MasterKey[hidden]";
    }

    /** A master key that is set but unusable: the gateway does not start. */
    public static final class InvalidMasterKeyException extends IllegalStateException {

        private final String problem;

        public InvalidMasterKeyException(String problem) {
            super("Switchboard refuses to start: " + problem + ". Set " + ENVIRONMENT
                    + " to 32 random bytes in base64 (openssl rand -base64 32), or leave it unset to keep keys added "
                    + "at runtime in memory only.");
            this.problem = problem;
        }

        public String problem() {
            return problem;
        }
    }
}
