package dev.switchboard.keys;

/** Where a key stands. Everything but {@link #ACTIVE} keeps it out of rotation. */
public enum KeyStatus {
    ACTIVE("active"),
    /** Cooling for the provider's retry hint (or the default) after a 429. */
    RATE_LIMITED("rate_limited"),
    /** Cooling after repeated server errors, network errors or timeouts. */
    COOLING("cooling"),
    /** Rejected as invalid (401, bad key): out for a long time or until a check passes. */
    INVALID("invalid"),
    /** Out of quota or credits: out until the next 00:00 UTC. */
    QUOTA_EXCEEDED("quota_exceeded"),
    /** Turned off by an operator. */
    DISABLED("disabled");

    private final String code;

    KeyStatus(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static KeyStatus fromCode(String code) {
        for (KeyStatus s : values()) {
            if (s.code.equals(code)) {
                return s;
            }
        }
        return ACTIVE;
    }
}
