package dev.switchboard.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM for provider keys at rest, with the JDK's {@code javax.crypto}: a fresh random 96-bit nonce per
 * encryption and a 128-bit tag. The provider and the key's fingerprint are authenticated with it (associated
 * data), so a stored key cannot be moved to another provider or row unnoticed. Blocking (the random source):
 * call it off the event loop.
 */
final class KeyCipher {

    static final String ALGORITHM = "AES-256-GCM";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** A stored key: the nonce and the ciphertext with its tag. */
    record Sealed(byte[] nonce, byte[] ciphertext) {
    }

    private final MasterKey master;
    private final SecureRandom random = new SecureRandom();

    KeyCipher(MasterKey master) {
        this.master = master;
    }

    Sealed seal(String provider, String fingerprint, String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, master.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associated(provider, fingerprint));
            return new Sealed(nonce, cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getClass().getSimpleName(), e);
        }
    }

    /** The key, or an exception when the master key is another one or the row was altered. */
    String open(String provider, String fingerprint, Sealed sealed) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, master.secretKey(), new GCMParameterSpec(TAG_BITS, sealed.nonce()));
        cipher.updateAAD(associated(provider, fingerprint));
        return new String(cipher.doFinal(sealed.ciphertext()), StandardCharsets.UTF_8);
    }

    private static byte[] associated(String provider, String fingerprint) {
        return ("switchboard provider key v1\u0000" + provider + "\u0000" + fingerprint).getBytes(StandardCharsets.UTF_8);
    }
}
