package dev.switchboard.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jspecify.annotations.Nullable;

/**
 * The operator's token, compared in constant time. Both sides are hashed to SHA-256 first, so the
 * comparison takes the same time whatever the presented value's length or content, and the token itself
 * is not kept as a string in this object.
 */
public final class AdminToken {

    static final int MIN_LENGTH = 16;

    /** A digest per thread: looking one up by name costs as much as hashing a short token. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(AdminToken::newDigest);

    private final byte @Nullable [] digest;

    private AdminToken(byte @Nullable [] digest) {
        this.digest = digest;
    }

    public static AdminToken of(@Nullable String token) {
        return new AdminToken(token == null || token.isBlank() ? null : sha256(token));
    }

    /** Whether a token is configured at all. */
    public boolean configured() {
        return digest != null;
    }

    public boolean matches(@Nullable String presented) {
        if (digest == null || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(presented));
    }

    /** Why a configured token is unusable, or null when it is fine. Never includes the token. */
    static @Nullable String problem(@Nullable String token) {
        if (token == null || token.isBlank()) {
            return "no admin token is set";
        }
        if (token.length() < MIN_LENGTH) {
            return "the admin token is shorter than " + MIN_LENGTH + " characters";
        }
        for (int i = 0; i < token.length(); i++) {
            if (Character.isWhitespace(token.charAt(i)) || Character.isISOControl(token.charAt(i))) {
                return "the admin token contains whitespace or control characters";
            }
        }
        if (ClientKeys.shaped(token)) {
            // a credential of that shape is checked as a client key first (SecurityFilter)
            return "the admin token has the shape of a client key (" + ClientKeys.PREFIX + "...); choose another";
        }
        return null;
    }

    static byte[] sha256(String value) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return digest.digest(value.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return configured() ? "AdminToken[****]" : "AdminToken[unset]";
    }
}
