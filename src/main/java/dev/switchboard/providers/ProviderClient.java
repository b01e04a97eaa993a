package dev.switchboard.providers;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A client bound to one provider and one key. Path A caches one per (provider, key); Path B creates
 * one per request for the named model.
 *
 * <p>Contract: both methods are lazy (nothing happens before subscription), never retry on their own,
 * and fail with an {@link UpstreamException} whose class tells the router what to do. Cancelling the
 * subscription cancels the HTTP exchange.
 */
public interface ProviderClient {

    Mono<Completion> complete(UpstreamRequest request);

    /** The normalized stream; ends after the provider's end marker, fails on a truncated stream. */
    Flux<ChatChunk> stream(UpstreamRequest request);

    /**
     * A cheap call that proves the key works (usually the models list). Completes empty when the key
     * is good; fails with a classified {@link UpstreamException} (e.g. {@code invalid_key}) otherwise.
     */
    Mono<Void> checkKey();
}
