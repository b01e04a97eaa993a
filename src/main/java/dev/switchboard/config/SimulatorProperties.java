package dev.switchboard.config;

import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The built-in provider simulator (a real HTTP server on loopback).
 *
 * @param enabled start the simulator and keep {@code type: simulator} providers; {@code false}
 *     removes both
 * @param host bind address, loopback by default
 * @param port 0 picks a free port
 * @param firstTokenDelay time to first token
 * @param tokenDelay delay between two tokens
 * @param answerTokens words per answer
 * @param faults probabilities of random faults on healthy keys (for load tests)
 */
public record SimulatorProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("127.0.0.1") String host,
        @DefaultValue("0") int port,
        @DefaultValue("150ms") Duration firstTokenDelay,
        @DefaultValue("25ms") Duration tokenDelay,
        @DefaultValue("32") int answerTokens,
        @DefaultValue FaultProbabilities faults) {

    /** Probability (0..1) of each fault on an otherwise healthy key. */
    public record FaultProbabilities(
            @DefaultValue("0") double rateLimited,
            @DefaultValue("0") double serverError,
            @DefaultValue("0") double failBeforeFirstChunk,
            @DefaultValue("0") double failMidStream,
            @DefaultValue("0") double stall) {

        public static FaultProbabilities none() {
            return new FaultProbabilities(0, 0, 0, 0, 0);
        }
    }
}
