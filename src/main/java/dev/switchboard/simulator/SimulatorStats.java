package dev.switchboard.simulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the simulator saw: calls per key, answers in progress and answers the client cancelled ("streams":
 * streamed answers, and whole ones while they are being prepared).
 */
public final class SimulatorStats {

    private final Map<String, AtomicLong> callsByKey = new ConcurrentHashMap<>();
    private final AtomicInteger activeStreams = new AtomicInteger();
    private final AtomicLong cancelledStreams = new AtomicLong();
    private final AtomicLong completedStreams = new AtomicLong();

    void called(String key) {
        callsByKey.computeIfAbsent(key == null ? "" : key, k -> new AtomicLong()).incrementAndGet();
    }

    void streamOpened() {
        activeStreams.incrementAndGet();
    }

    void streamClosed(boolean cancelled) {
        activeStreams.decrementAndGet();
        (cancelled ? cancelledStreams : completedStreams).incrementAndGet();
    }

    public long calls(String key) {
        AtomicLong n = callsByKey.get(key);
        return n == null ? 0 : n.get();
    }

    public int activeStreams() {
        return activeStreams.get();
    }

    public long cancelledStreams() {
        return cancelledStreams.get();
    }

    public long completedStreams() {
        return completedStreams.get();
    }

    /** Counts per key with the key itself replaced by a short fingerprint-free label. */
    public Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Long> calls = new LinkedHashMap<>();
        callsByKey.forEach((k, v) -> calls.put(k.startsWith("sim-") ? k : "(non-simulator key)", v.get()));
        out.put("calls_by_key", calls);
        out.put("active_streams", activeStreams.get());
        out.put("cancelled_streams", cancelledStreams.get());
        out.put("completed_streams", completedStreams.get());
        return out;
    }

    public void reset() {
        callsByKey.clear();
        cancelledStreams.set(0);
        completedStreams.set(0);
    }
}
