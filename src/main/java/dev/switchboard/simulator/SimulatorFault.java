package dev.switchboard.simulator;

/** A fault the simulator plays; chosen by the API key it is called with (see {@link SimulatorKey}). */
public enum SimulatorFault {
    NONE,
    /** 429 with {@code retry-after}. */
    RATE_LIMITED,
    /** 401; the body echoes the key, as careless upstreams do. */
    INVALID_KEY,
    /** 429 {@code insufficient_quota}. */
    QUOTA_EXCEEDED,
    /** 400 context_length_exceeded: the request's fault, not the key's. */
    CONTEXT_TOO_LONG,
    /** 500, or the status given in the key (e.g. 503). */
    SERVER_ERROR,
    /** 200 stream with an in-band error before the first content chunk. */
    FAIL_BEFORE_FIRST_CHUNK,
    /** 200 stream with N content chunks, then an in-band error. */
    FAIL_AFTER_CHUNKS,
    /** 200 headers, then silence. */
    STALL,
    /** N content chunks, then silence. */
    STALL_AFTER_CHUNKS,
    /** The connection is closed before any response. */
    DROP,
    /** A healthy answer whose first token comes after the milliseconds given in the key. */
    SLOW,
    /**
     * A heavy tail: in the given share of calls the first token comes after the milliseconds given in the
     * key (played as {@link #SLOW}), otherwise the answer is healthy.
     */
    TAIL
}
