package dev.switchboard.web;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.springframework.web.server.ServerWebExchange;

/**
 * Request ids: {@code req_} and 24 hex digits. Made from {@link ThreadLocalRandom}, not
 * {@code UUID.randomUUID()}, whose {@code SecureRandom} may read {@code /dev/urandom} on an event loop.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    static final String ATTRIBUTE = RequestIds.class.getName() + ".id";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{8,64}");

    private RequestIds() {
    }

    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "req_" + hex(random.nextLong(), 16) + hex(random.nextInt(), 8);
    }

    /** An incoming id is kept when it looks like an id, so a caller's trace id carries through. */
    static String acceptOrCreate(String incoming) {
        return incoming != null && ACCEPTED.matcher(incoming).matches() ? incoming : next();
    }

    public static String of(ServerWebExchange exchange) {
        String id = exchange.getAttribute(ATTRIBUTE);
        return id != null ? id : next();
    }

    private static String hex(long value, int digits) {
        String s = Long.toHexString(value);
        if (s.length() > digits) {
            return s.substring(s.length() - digits);
        }
        return "0".repeat(digits - s.length()) + s;
    }
}
