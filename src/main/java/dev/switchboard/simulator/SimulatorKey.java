package dev.switchboard.simulator;

import dev.switchboard.config.SimulatorProperties.FaultProbabilities;
import java.util.Random;

/**
 * How the simulator behaves for a given API key. Key conventions (anything after the fault, such as a
 * label to keep keys unique, is ignored):
 *
 * <pre>
 * sim-rate-limit[-SECONDS]  429 with retry-after (default 30 s)
 * sim-invalid               401 invalid key (the body echoes the key)
 * sim-quota                 429 insufficient_quota
 * sim-context-too-long      400 context_length_exceeded
 * sim-error[-STATUS]        500 (or STATUS, e.g. sim-error-503)
 * sim-fail-before-first     stream: in-band error before any content; sync: 500
 * sim-fail-after-N          stream: N chunks, then an in-band error; sync: normal answer
 * sim-stall                 headers, then silence
 * sim-stall-after-N         N chunks, then silence
 * sim-drop                  connection closed before any response
 * sim-slow[-MILLIS]         healthy, but the first token comes after MILLIS ms (default 5,000)
 * sim-tail-PERCENT[-MILLIS] healthy, but in PERCENT % of calls the first token comes after MILLIS ms (default
 *                           3,000): a heavy-tailed time to first token, for hedging
 * sim-chaos-PERCENT         one of the faults above at random in PERCENT % of calls
 * anything else             healthy (e.g. sim-ok-1)
 * </pre>
 *
 * @param arg seconds, status, chunk count or milliseconds, depending on the fault
 */
public record SimulatorKey(SimulatorFault fault, int arg, double chaos) {

    public static SimulatorKey parse(String key) {
        if (key == null || !key.startsWith("sim-")) {
            return new SimulatorKey(SimulatorFault.NONE, 0, 0);
        }
        String rest = key.substring(4);
        if (rest.startsWith("rate-limit")) {
            return new SimulatorKey(SimulatorFault.RATE_LIMITED, number(rest, "rate-limit", 30), 0);
        }
        if (rest.startsWith("invalid")) {
            return new SimulatorKey(SimulatorFault.INVALID_KEY, 0, 0);
        }
        if (rest.startsWith("quota")) {
            return new SimulatorKey(SimulatorFault.QUOTA_EXCEEDED, 0, 0);
        }
        if (rest.startsWith("context-too-long")) {
            return new SimulatorKey(SimulatorFault.CONTEXT_TOO_LONG, 0, 0);
        }
        if (rest.startsWith("error")) {
            return new SimulatorKey(SimulatorFault.SERVER_ERROR, number(rest, "error", 500), 0);
        }
        if (rest.startsWith("fail-before-first")) {
            return new SimulatorKey(SimulatorFault.FAIL_BEFORE_FIRST_CHUNK, 0, 0);
        }
        if (rest.startsWith("fail-after")) {
            return new SimulatorKey(SimulatorFault.FAIL_AFTER_CHUNKS, number(rest, "fail-after", 3), 0);
        }
        if (rest.startsWith("stall-after")) {
            return new SimulatorKey(SimulatorFault.STALL_AFTER_CHUNKS, number(rest, "stall-after", 3), 0);
        }
        if (rest.startsWith("stall")) {
            return new SimulatorKey(SimulatorFault.STALL, 0, 0);
        }
        if (rest.startsWith("drop")) {
            return new SimulatorKey(SimulatorFault.DROP, 0, 0);
        }
        if (rest.startsWith("tail")) {
            int percent = number(rest, "tail", 10);
            String after = rest.substring("tail".length());
            String afterPercent = after.startsWith("-" + percent) ? after.substring(1 + String.valueOf(percent).length())
                    : "";
            return new SimulatorKey(SimulatorFault.TAIL, number(afterPercent, "", 3000), percent / 100.0);
        }
        if (rest.startsWith("slow")) {
            return new SimulatorKey(SimulatorFault.SLOW, number(rest, "slow", 5000), 0);
        }
        if (rest.startsWith("chaos")) {
            return new SimulatorKey(SimulatorFault.NONE, 0, number(rest, "chaos", 10) / 100.0);
        }
        return new SimulatorKey(SimulatorFault.NONE, 0, 0);
    }

    /** The fault for one call, rolling the dice for chaos keys and for global fault probabilities. */
    public SimulatorKey roll(Random random, FaultProbabilities global) {
        if (fault == SimulatorFault.TAIL) {
            return random.nextDouble() < chaos ? new SimulatorKey(SimulatorFault.SLOW, arg, 0)
                    : new SimulatorKey(SimulatorFault.NONE, 0, 0).roll(random, global);
        }
        if (fault != SimulatorFault.NONE && fault != SimulatorFault.SLOW) {
            return this;
        }
        if (chaos > 0 && random.nextDouble() < chaos) {
            SimulatorFault[] pick = {SimulatorFault.RATE_LIMITED, SimulatorFault.SERVER_ERROR,
                SimulatorFault.FAIL_BEFORE_FIRST_CHUNK, SimulatorFault.FAIL_AFTER_CHUNKS};
            SimulatorFault f = pick[random.nextInt(pick.length)];
            return new SimulatorKey(f, f == SimulatorFault.RATE_LIMITED ? 1 : f == SimulatorFault.SERVER_ERROR ? 500 : 2, 0);
        }
        double r = random.nextDouble();
        if ((r -= global.rateLimited()) < 0) {
            return new SimulatorKey(SimulatorFault.RATE_LIMITED, 1, 0);
        }
        if ((r -= global.serverError()) < 0) {
            return new SimulatorKey(SimulatorFault.SERVER_ERROR, 500, 0);
        }
        if ((r -= global.failBeforeFirstChunk()) < 0) {
            return new SimulatorKey(SimulatorFault.FAIL_BEFORE_FIRST_CHUNK, 0, 0);
        }
        if ((r -= global.failMidStream()) < 0) {
            return new SimulatorKey(SimulatorFault.FAIL_AFTER_CHUNKS, 2, 0);
        }
        if ((r -= global.stall()) < 0) {
            return new SimulatorKey(SimulatorFault.STALL, 0, 0);
        }
        return this;
    }

    private static int number(String rest, String prefix, int fallback) {
        String tail = rest.substring(prefix.length());
        if (!tail.startsWith("-")) {
            return fallback;
        }
        int end = 1;
        while (end < tail.length() && Character.isDigit(tail.charAt(end))) {
            end++;
        }
        return end > 1 ? Integer.parseInt(tail.substring(1, end)) : fallback;
    }
}
