package dev.switchboard.status;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The units and words of the seed systems' status documents: rates in percent ({@code 94.7}), response
 * times in seconds ({@code 1.8}), 0 when there was nothing to count (as seed 001 computes them), and
 * seed 002's key statuses ({@code healthy}, {@code invalid_key}; the rest as Switchboard names them).
 */
final class SeedUnits {

    private SeedUnits() {
    }

    /** {@code part / whole} in percent with two decimals; 0 when {@code whole} is 0. */
    static double percent(long part, long whole) {
        return whole <= 0 ? 0.0 : Math.round(part * 10_000.0 / whole) / 100.0;
    }

    /** {@code totalMs / count} in seconds with three decimals; 0 when {@code count} is 0. */
    static double seconds(long totalMs, long count) {
        return count <= 0 ? 0.0 : Math.round((double) totalMs / count) / 1000.0;
    }

    /** Seed 002's word for a key status: {@code active} is {@code healthy}, {@code invalid} is {@code invalid_key}. */
    static String keyStatus(String status) {
        return switch (status) {
            case "active" -> "healthy";
            case "invalid" -> "invalid_key";
            default -> status;
        };
    }

    /** Every status word with 0, so a dashboard can read any of them ({@code status_breakdown}). */
    static Map<String, Long> emptyBreakdown() {
        Map<String, Long> breakdown = new LinkedHashMap<>();
        for (String status : new String[] {"healthy", "rate_limited", "cooling", "invalid_key", "quota_exceeded",
                "disabled"}) {
            breakdown.put(status, 0L);
        }
        return breakdown;
    }

    /** Seed 002 counts keys that are out until someone acts (or until tomorrow) as removed. */
    static boolean removed(String status) {
        return status.equals("invalid") || status.equals("quota_exceeded") || status.equals("disabled");
    }
}
