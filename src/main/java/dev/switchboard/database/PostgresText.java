package dev.switchboard.database;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.CharacterEscapes;
import tools.jackson.core.io.SerializedString;

/**
 * Makes text that came from clients or upstreams storable in PostgreSQL, which refuses the NUL character
 * in {@code text}/{@code varchar} values and the {@code \u0000} escape in {@code jsonb} (and in what {@code ->>}
 * takes out of a {@code json} document). One such value
 * would fail its whole statement (and a write-behind batch with it), so every writer of untrusted text
 * passes it through here: a NUL becomes U+FFFD, the replacement character, and nothing else changes.
 */
public final class PostgresText {

    private static final char NUL = '\u0000';
    private static final char REPLACEMENT = '\uFFFD';
    /** {@code \u0000} as a JSON escape: preceded by an even number of backslashes (zero or more pairs). */
    private static final Pattern ESCAPED_NUL = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

    /**
     * JSON's standard escapes, except that a NUL is written as {@code \\ufffd}: a document written with these
     * (through {@code ObjectWriter.with(CharacterEscapes)}) is storable in {@code jsonb} as it comes out of the
     * generator, with no {@link #json} pass over it.
     */
    public static final CharacterEscapes JSON_ESCAPES = new NulAsReplacement();

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

    /** Writes U+0000 as the escaped replacement character; every other character as JSON's standard escapes do. */
    private static final class NulAsReplacement extends CharacterEscapes {

        private static final SerializableString REPLACEMENT_ESCAPE = new SerializedString("\\ufffd");

        private final int[] ascii;

        NulAsReplacement() {
            ascii = standardAsciiEscapesForJSON();
            ascii[NUL] = ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public @Nullable SerializableString getEscapeSequence(int ch) {
            return ch == NUL ? REPLACEMENT_ESCAPE : null;
        }
    }
}
