package dev.switchboard.keys;

import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Cheap format checks at load, per provider type: keys that cannot be right (wrong prefix, whitespace,
 * far too short) are reported and kept out. Prefix rules apply only to each provider's official host
 * (api.openai.com, openrouter.ai, api.groq.com, api.x.ai, api.cerebras.ai, api.anthropic.com,
 * generativelanguage.googleapis.com): many services speak these APIs with keys of their own shape, and
 * proxies put their own keys in front of the providers'. Any other host gets the generic checks only, and a
 * provider with {@code key-format-check: false} none at all.
 */
public final class KeyFormat {

    private KeyFormat() {
    }

    /** The problem with the key, if any (never includes the key). */
    public static Optional<String> problem(Provider provider, ApiKey key) {
        if (!provider.keyFormatCheck()) {
            return Optional.empty();
        }
        String secret = key.secret();
        if (secret.length() < 8) {
            return Optional.of("key is too short to be real");
        }
        for (int i = 0; i < secret.length(); i++) {
            if (Character.isWhitespace(secret.charAt(i)) || Character.isISOControl(secret.charAt(i))) {
                return Optional.of("key contains whitespace or control characters");
            }
        }
        String prefix = expectedPrefix(provider);
        if (prefix != null && !secret.startsWith(prefix)) {
            return Optional.of("key does not start with " + prefix + " as " + provider.type().name().toLowerCase(Locale.ROOT)
                    + " keys for " + host(provider) + " do");
        }
        return Optional.empty();
    }

    private static String expectedPrefix(Provider provider) {
        return switch (provider.type()) {
            case SIMULATOR -> "sim-";
            case ANTHROPIC -> host(provider).equals("api.anthropic.com") ? "sk-ant-" : null;
            case GEMINI -> host(provider).equals("generativelanguage.googleapis.com") ? "AIza" : null;
            case OPENAI -> openAiFamilyPrefix(host(provider));
        };
    }

    private static String openAiFamilyPrefix(String host) {
        if (host.endsWith("openrouter.ai")) {
            return "sk-or-";
        }
        if (host.endsWith("api.openai.com")) {
            return "sk-";
        }
        if (host.endsWith("api.groq.com")) {
            return "gsk_";
        }
        if (host.endsWith("api.x.ai")) {
            return "xai-";
        }
        if (host.endsWith("api.cerebras.ai")) {
            return "csk-";
        }
        return null;
    }

    private static String host(Provider provider) {
        try {
            String host = URI.create(provider.baseUrl()).getHost();
            return host == null ? "" : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
