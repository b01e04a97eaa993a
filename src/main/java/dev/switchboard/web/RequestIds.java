package dev.switchboard.web;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.springframework.web.server.ServerWebExchange;

/**
 * Request ids: {@code req_} and 24 hex digits, the first 12 the time it was made (milliseconds since the epoch,
 * as in a UUIDv7) and the last 12 random. Ids made later sort later, so the request log's primary key grows
 * at its right edge instead of at a random leaf of the index for every row (docs/PERFORMANCE.md, "The request
 * log's cost in PostgreSQL"). Made from {@link ThreadLocalRandom}, not {@code UUID.randomUUID()}, whose
 * {@code SecureRandom} may read {@code /dev/urandom} on an event loop.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    static final String ATTRIBUTE = RequestIds.class.getName() + ".id";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{8,64}");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {
    }

    public static String next() {
        // the wall clock, not the injected one, on purpose: the time only orders ids in the shared database's
        // index (instances' ids interleave by it), and no behaviour waits on it, so a virtual-time test has
        // nothing to move here
        return next(System.currentTimeMillis(), ThreadLocalRandom.current().nextLong());
    }

    /** The id made at {@code epochMillis} with these random bits (the low 48 are used). */
    static String next(long epochMillis, long random) {
        char[] id = new char[4 + 24];
        "req_".getChars(0, 4, id, 0);
        hex(epochMillis, id, 4);
        hex(random, id, 16);
        return new String(id);
    }

    /** An incoming id is kept when it looks like an id, so a caller's trace id carries through. */
    static String acceptOrCreate(String incoming) {
        return incoming != null && ACCEPTED.matcher(incoming).matches() ? incoming : next();
    }

    public static String of(ServerWebExchange exchange) {
        String id = exchange.getAttribute(ATTRIBUTE);
        return id != null ? id : next();
    }

    /** The low 48 bits of {@code value} as 12 hex digits at {@code at}. */
    private static void hex(long value, char[] into, int at) {
        for (int i = 11; i >= 0; i--) {
            into[at + i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
    }
}
