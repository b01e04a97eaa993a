package dev.switchboard.testsupport;

import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.Completion;
import dev.switchboard.providers.ProviderClient;
import dev.switchboard.providers.UpstreamRequest;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A provider client that plays a script and counts calls and cancellations. */
public final class ScriptedClient implements ProviderClient {

    private final Supplier<Flux<ChatChunk>> stream;
    private final Supplier<Mono<Completion>> complete;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger cancellations = new AtomicInteger();
    private volatile UpstreamRequest lastRequest;

    private ScriptedClient(Supplier<Flux<ChatChunk>> stream, Supplier<Mono<Completion>> complete) {
        this.stream = stream;
        this.complete = complete;
    }

    public static ScriptedClient streaming(Supplier<Flux<ChatChunk>> stream) {
        return new ScriptedClient(stream, () -> Mono.error(new AssertionError("complete() not scripted")));
    }

    public static ScriptedClient completing(Supplier<Mono<Completion>> complete) {
        return new ScriptedClient(() -> Flux.error(new AssertionError("stream() not scripted")), complete);
    }

    @Override
    public Mono<Completion> complete(UpstreamRequest request) {
        return Mono.defer(() -> {
            calls.incrementAndGet();
            lastRequest = request;
            return complete.get();
        }).doOnCancel(cancellations::incrementAndGet);
    }

    @Override
    public Flux<ChatChunk> stream(UpstreamRequest request) {
        return Flux.defer(() -> {
            calls.incrementAndGet();
            lastRequest = request;
            return stream.get();
        }).doOnCancel(cancellations::incrementAndGet);
    }

    @Override
    public Mono<Void> checkKey() {
        return Mono.empty();
    }

    public int calls() {
        return calls.get();
    }

    public int cancellations() {
        return cancellations.get();
    }

    public UpstreamRequest lastRequest() {
        return lastRequest;
    }
}
