package dev.switchboard.providers;

/** Masks secrets for display. */
public final class KeyMasking {

    private KeyMasking() {
    }

    /** Keeps the first 7 and last 4 characters of long secrets, hides short ones entirely. */
    public static String mask(String secret) {
        if (secret.length() < 16) {
            return "****";
        }
        return secret.substring(0, 7) + "..." + secret.substring(secret.length() - 4);
    }
}
