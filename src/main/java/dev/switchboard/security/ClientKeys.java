package dev.switchboard.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * Gateway client keys: {@code sb-<id>-<secret>}. The id (16 hex digits, 64 random bits) is public: it
 * names the client in logs, the request log and the admin API. The secret is 32 random bytes from
 * {@link SecureRandom} (256 bits, 43 base64url characters) and is never stored: PostgreSQL keeps a
 * random 16-byte salt and {@code SHA-256(salt || secret)}.
 *
 * <p>Why a fast hash and not bcrypt/scrypt/Argon2: memory-hard hashes exist to slow down guessing of
 * low-entropy secrets (passwords) after a database leak. A 256-bit random secret cannot be guessed at
 * any hash speed, while every request pays for verification; a salted SHA-256 costs about a microsecond,
 * a memory-hard hash tens of milliseconds. The salt keeps equal hashes from revealing anything and rules
 * out precomputed tables.
 *
 * <p>{@link #generate()} reads {@link SecureRandom}, which may block on entropy: call it off the event
 * loop (BlockHound flags it there).
 */
public final class ClientKeys {

    static final String PREFIX = "sb-";
    static final int ID_HEX = 16;
    static final int SECRET_BYTES = 32;
    static final int SALT_BYTES = 16;
    private static final int SECRET_CHARS = 43;
    private static final int KEY_LENGTH = PREFIX.length() + ID_HEX + 1 + SECRET_CHARS;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(ClientKeys::newDigest);

    private ClientKeys() {
    }

    /** A new key: its public id, the key as the client uses it, and what is stored. */
    public record Generated(String id, String key, byte[] salt, byte[] hash) {

        /** Only the id: a generated key must never reach a log line by accident. */
        @Override
        public String toString() {
            return "ClientKeys.Generated[id=" + id + "]";
        }
    }

    /** A presented key, split; the secret stays in memory only for the hash comparison. */
    record Parsed(String id, String secret) {

        @Override
        public String toString() {
            return "ClientKeys.Parsed[id=" + id + "]";
        }
    }

    public static Generated generate() {
        byte[] idBytes = new byte[ID_HEX / 2];
        byte[] secretBytes = new byte[SECRET_BYTES];
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(idBytes);
        RANDOM.nextBytes(secretBytes);
        RANDOM.nextBytes(salt);
        String id = HEX.formatHex(idBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        return new Generated(id, PREFIX + id + "-" + secret, salt, hash(salt, secret));
    }

    /** The key split into id and secret, or null when it is not shaped like a client key at all. */
    static @Nullable Parsed parse(@Nullable String key) {
        if (key == null || !shaped(key)) {
            return null;
        }
        return new Parsed(key.substring(PREFIX.length(), PREFIX.length() + ID_HEX),
                key.substring(PREFIX.length() + ID_HEX + 1));
    }

    /** Whether the value has a client key's shape: {@code sb-}, the id in hex, {@code -}, the secret in base64url. */
    static boolean shaped(@Nullable String key) {
        if (key == null || key.length() != KEY_LENGTH || !key.startsWith(PREFIX)
                || key.charAt(PREFIX.length() + ID_HEX) != '-') {
            return false;
        }
        for (int i = PREFIX.length(); i < PREFIX.length() + ID_HEX; i++) {
            char c = key.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        for (int i = PREFIX.length() + ID_HEX + 1; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    static byte[] hash(byte[] salt, String secret) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        digest.update(salt);
        return digest.digest(secret.getBytes(StandardCharsets.US_ASCII));
    }

    /** Constant-time check of a presented secret against the stored salt and hash. */
    static boolean matches(ClientRecord client, String secret) {
        return MessageDigest.isEqual(client.hash(), hash(client.salt(), secret));
    }

    /** How a client's key is shown anywhere after creation: its public part only. */
    public static String masked(String id) {
        return PREFIX + id + "-****";
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
