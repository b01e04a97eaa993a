package dev.switchboard.providers;

import java.util.regex.Pattern;
/**
 * Removes secrets from text that came from upstream (error bodies often echo the key). Known key
 * values become their alias; anything shaped like a provider key, and the masked key fragments providers
 * echo ({@code sk-proj-****wxyz}), become {@code [redacted]}.
 */
public final class SecretScrubber {

    private static final int MAX_MESSAGE = 500;
    private static final Pattern KEY_SHAPED = Pattern.compile(
            "(sk-[A-Za-z0-9_\\-]{8,}|sk_[A-Za-z0-9]{16,}|gsk_[A-Za-z0-9]{16,}|xai-[A-Za-z0-9]{16,}"
                    + "|AIza[0-9A-Za-z_\\-]{20,}|sim-[A-Za-z0-9_.\\-]{2,}|sb-[A-Za-z0-9_\\-]{8,}"
                    + "|Bearer\\s+[A-Za-z0-9._\\-]{8,})");
    /** Keys the provider masked itself, e.g. {@code sk-proj-****wxyz} or xAI's {@code xa***EY}: still fragments. */
    private static final Pattern MASKED_KEY = Pattern.compile(
            "[A-Za-z0-9_\\-]{2,}\\*{2,}[A-Za-z0-9_\\-]*|\\*{2,}[A-Za-z0-9_\\-]{2,}");

    private SecretScrubber() {
    }

    /** Redacts anything shaped like a key (for text that may quote what a caller sent, such as parse errors). */
    public static String scrubKeyShaped(String text) {
        return text == null ? "" : KEY_SHAPED.matcher(text).replaceAll("[redacted]");
    }

    /** Scrubs and shortens an upstream message. */
    public static String scrub(String text, ApiKey key) {
        if (text == null) {
            return "";
        }
        String out = text;
        boolean hadSecret = !key.secret().isEmpty() && out.contains(key.secret());
        if (hadSecret) {
            out = out.replace(key.secret(), "\u0000");
        }
        out = KEY_SHAPED.matcher(out).replaceAll("[redacted]");
        out = MASKED_KEY.matcher(out).replaceAll("[redacted]");
        if (hadSecret) {
            // the alias goes in last, so a key-shaped alias (sim-beta#2) is not redacted itself
            out = out.replace("\u0000", "[key " + key.alias() + "]");
        }
        if (out.length() > MAX_MESSAGE) {
            out = out.substring(0, MAX_MESSAGE) + "...";
        }
        return out;
    }
}
