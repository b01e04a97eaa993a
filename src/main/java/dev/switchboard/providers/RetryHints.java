package dev.switchboard.providers;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/**
 * Reads a provider's "come back later" hint, in the order the official SDKs use: {@code retry-after-ms},
 * then {@code retry-after} (seconds or an HTTP-date), then the exhausted {@code x-ratelimit-reset-*}
 * window (Go durations such as {@code 6m0s}), then "try again in 1.5s" in the message.
 */
public final class RetryHints {

    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");
    private static final Pattern TRY_AGAIN = Pattern.compile("(?i)(?:try again|retry) in (\\d+(?:\\.\\d+)?)(ms|s)");

    private RetryHints() {
    }

    public static @Nullable Duration fromHeaders(HttpHeaders headers, Instant now) {
        Duration explicit = explicit(headers, now);
        return explicit != null ? explicit : resetWindow(headers);
    }

    /**
     * The headers that say how long to wait: {@code retry-after-ms}, then {@code retry-after}. Body hints
     * (Gemini's {@code RetryInfo}, OpenRouter's reset time) rank below these and above the reset windows.
     */
    public static @Nullable Duration explicit(HttpHeaders headers, Instant now) {
        Duration ms = millis(headers.getFirst("retry-after-ms"));
        if (ms != null) {
            return ms;
        }
        return retryAfter(headers.getFirst("retry-after"), now);
    }

    /** The longest exhausted {@code x-ratelimit-reset-requests|tokens} window (Go durations). */
    public static @Nullable Duration resetWindow(HttpHeaders headers) {
        Duration requests = exhaustedWindow(headers, "requests");
        Duration tokens = exhaustedWindow(headers, "tokens");
        if (requests != null && tokens != null) {
            return requests.compareTo(tokens) >= 0 ? requests : tokens;
        }
        return requests != null ? requests : tokens;
    }

    /** The time from now until an instant, never negative. */
    public static Duration until(Instant now, Instant at) {
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** "Please try again in 84ms / 1.146s" in an error message. */
    public static @Nullable Duration fromMessage(@Nullable String message) {
        if (message == null) {
            return null;
        }
        Matcher m = TRY_AGAIN.matcher(message);
        if (!m.find()) {
            return null;
        }
        double value = Double.parseDouble(m.group(1));
        return "ms".equals(m.group(2)) ? Duration.ofNanos((long) (value * 1_000_000))
                : Duration.ofNanos((long) (value * 1_000_000_000L));
    }

    static @Nullable Duration millis(@Nullable String value) {
        if (value == null) {
            return null;
        }
        try {
            double ms = Double.parseDouble(value.trim());
            return ms >= 0 && Double.isFinite(ms) ? Duration.ofNanos((long) (ms * 1_000_000)) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static @Nullable Duration retryAfter(@Nullable String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            double seconds = Double.parseDouble(v);
            return seconds >= 0 && Double.isFinite(seconds) ? Duration.ofNanos((long) (seconds * 1e9)) : null;
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(now, at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static @Nullable Duration exhaustedWindow(HttpHeaders headers, String kind) {
        String remaining = headers.getFirst("x-ratelimit-remaining-" + kind);
        if (remaining == null || !remaining.trim().equals("0")) {
            return null;
        }
        return goDuration(headers.getFirst("x-ratelimit-reset-" + kind));
    }

    /** Parses Go-style durations: {@code 12ms}, {@code 1s}, {@code 6m0s}, {@code 2m59.56s}. */
    public static @Nullable Duration goDuration(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Matcher m = GO_DURATION_PART.matcher(value.trim());
        long nanos = 0;
        int consumed = 0;
        while (m.find()) {
            if (m.start() != consumed) {
                return null;
            }
            consumed = m.end();
            double n = Double.parseDouble(m.group(1));
            nanos += switch (m.group(2)) {
                case "h" -> (long) (n * 3_600e9);
                case "m" -> (long) (n * 60e9);
                case "s" -> (long) (n * 1e9);
                default -> (long) (n * 1e6);
            };
        }
        return consumed == value.trim().length() && consumed > 0 ? Duration.ofNanos(nanos) : null;
    }
}
