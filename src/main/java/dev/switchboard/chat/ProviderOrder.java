package dev.switchboard.chat;

/**
 * The order in which Path A tries providers ({@code switchboard.routing.provider-order}, or a task's
 * {@code provider_order}).
 */
public enum ProviderOrder {
    /**
     * Each request starts one provider further, and a fallback tries one key of each provider per round
     * (Switchboard's default; seed 004's Path A).
     */
    ROUND_ROBIN,
    /**
     * Every request starts at the highest-priority provider (lowest {@code priority} number) and tries every
     * usable key of a provider before the next one (seeds 001 and 003: OpenRouter, then Groq, then Gemini).
     */
    PRIORITY,
    /**
     * The first provider is chosen by the power of two choices over the providers that can take a call now,
     * weighted by their running time to first content, error rate and calls in flight; the others follow in
     * round-robin order (README, "Latency-aware keys and providers").
     */
    LATENCY
}
