package dev.switchboard.database;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Makes text that came from clients or upstreams storable in PostgreSQL, which refuses the NUL character
 * in {@code text}/{@code varchar} values and the {@code \u0000} escape in {@code jsonb}. One such value
 * would fail its whole statement (and a write-behind batch with it), so every writer of untrusted text
 * passes it through here: a NUL becomes U+FFFD, the replacement character, and nothing else changes.
 */
public final class PostgresText {

    private static final char NUL = '\u0000';
    private static final char REPLACEMENT = '\uFFFD';
    /** {@code \u0000} as a JSON escape: preceded by an even number of backslashes (zero or more pairs). */
    private static final Pattern ESCAPED_NUL = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

    private PostgresText() {
    }

    /** The value for a text column. */
    public static @Nullable String text(@Nullable String value) {
        return value == null || value.indexOf(NUL) < 0 ? value : value.replace(NUL, REPLACEMENT);
    }

    /** The value for a jsonb column, given serialized JSON (which may hold raw NULs or escaped ones). */
    public static @Nullable String json(@Nullable String value) {
        if (value == null) {
            return null;
        }
        String raw = text(value);
        return raw.contains("u0000") ? ESCAPED_NUL.matcher(raw).replaceAll("$1\\\\ufffd") : raw;
    }
}
