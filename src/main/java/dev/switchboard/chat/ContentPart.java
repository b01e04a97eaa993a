package dev.switchboard.chat;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** One part of a message's content: text, or an image given by URL ({@code data:} or {@code https:}). */
public sealed interface ContentPart {

    /** Text. */
    record Text(String text) implements ContentPart {
    }

    /**
     * An image. {@code url} is a {@code data:<media type>;base64,<data>} URL (the image itself) or an
     * {@code http(s)} URL the provider fetches.
     *
     * @param detail OpenAI's {@code low|high|auto}, null when not given
     */
    record Image(String url, @Nullable String detail) implements ContentPart {

        /** Whether the image itself is in the URL ({@code data:...;base64,...}). */
        public boolean inline() {
            return url.regionMatches(true, 0, "data:", 0, 5);
        }

        /** The media type of an inline image ({@code image/png}), or null for a remote one. */
        public @Nullable String mediaType() {
            if (!inline()) {
                return null;
            }
            int end = url.indexOf(';');
            int comma = url.indexOf(',');
            int stop = end > 0 && end < comma ? end : comma;
            return stop > 5 ? url.substring(5, stop).toLowerCase(Locale.ROOT) : null;
        }

        /** The base64 data of an inline image, or null for a remote one. */
        public @Nullable String base64() {
            int comma = url.indexOf(',');
            return inline() && comma > 0 ? url.substring(comma + 1) : null;
        }

        /** An inline image made from its media type and base64 data. */
        public static Image inline(String mediaType, String base64, @Nullable String detail) {
            return new Image("data:" + mediaType + ";base64," + base64, detail);
        }
    }
}
