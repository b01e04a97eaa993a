package dev.switchboard.routing;

import dev.switchboard.cache.AnswerRecorder;
import dev.switchboard.cache.CacheLookup;
import dev.switchboard.cache.CachedAnswer;
import dev.switchboard.cache.ResponseCache;
import dev.switchboard.chat.CacheStatus;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.Choice;
import dev.switchboard.chat.StreamEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The pipeline's cache step, between planning and the fallback chain: a stored answer is served without
 * asking any provider (a stream replays it as the same events a provider's answer makes); otherwise the
 * chain answers and a complete answer is stored on the way out. Without a cache, or when the cache plays no
 * part in a request, the chain's answer passes untouched.
 */
final class CachedAnswers {

    /** Replayed text comes in pieces of about this many characters, cut after a space where there is one. */
    private static final int PIECE = 48;

    private final @Nullable ResponseCache cache;
    private final Clock clock;

    CachedAnswers(@Nullable ResponseCache cache, Clock clock) {
        this.cache = cache;
        this.clock = clock;
    }

    Mono<ChatResult> complete(RequestRun run, Function<RequestRun, Mono<ChatResult>> fresh) {
        CacheLookup lookup = lookup(run);
        if (cache == null || !lookup.involved()) {
            return lookup.status() == CacheStatus.NONE ? fresh.apply(run)
                    : fresh.apply(run).map(result -> result.withCache(lookup.status()));
        }
        ResponseCache store = cache;
        return store.find(lookup)
                .map(answer -> served(run, answer))
                .switchIfEmpty(Mono.defer(() -> fresh.apply(run)
                        .doOnNext(result -> store.store(lookup, CachedAnswer.of(result, clock.millis())))
                        .map(result -> result.withCache(lookup.status()))));
    }

    Flux<StreamEvent> stream(RequestRun run, Function<RequestRun, Flux<StreamEvent>> fresh) {
        CacheLookup lookup = lookup(run);
        if (cache == null || !lookup.involved()) {
            return lookup.status() == CacheStatus.NONE ? fresh.apply(run) : marked(fresh.apply(run), lookup.status());
        }
        ResponseCache store = cache;
        return store.find(lookup)
                .flatMapMany(answer -> replay(run, answer))
                .switchIfEmpty(Flux.defer(() -> recorded(store, lookup, fresh.apply(run))));
    }

    private CacheLookup lookup(RequestRun run) {
        return cache == null ? CacheLookup.NONE : cache.lookup(run.command(), run.plan().path());
    }

    private ChatResult served(RequestRun run, CachedAnswer answer) {
        run.servedFromCache(answer, clock.millis());
        return answer.toResult(run.command().requestId(), Math.max(0, run.latencyMs()));
    }

    /** The stored answer as a stream: committed at once, then its reasoning, refusal and text, then done. */
    private Flux<StreamEvent> replay(RequestRun run, CachedAnswer answer) {
        ChatResult result = served(run, answer);
        List<StreamEvent> events = new ArrayList<>();
        events.add(new StreamEvent.Committed(result.route(), List.of(), false, CacheStatus.HIT));
        List<Choice> withoutText = new ArrayList<>(answer.choices().size());
        for (Choice choice : answer.choices()) {
            if (choice.reasoning() != null) {
                events.add(new StreamEvent.Reasoning(choice.index(), choice.reasoning()));
            }
            if (choice.refusal() != null) {
                events.add(new StreamEvent.Refusal(choice.index(), choice.refusal()));
            }
            for (String piece : pieces(choice.content())) {
                events.add(new StreamEvent.Text(choice.index(), piece));
            }
            withoutText.add(new Choice(choice.index(), "", choice.toolCalls(), null, null, choice.finishReason()));
        }
        events.add(new StreamEvent.Done(new ChatResult(result.id(), withoutText, result.route(), result.usage(),
                result.latencyMs(), List.of(), null, CacheStatus.HIT)));
        return Flux.fromIterable(events);
    }

    /** A fresh stream, collected as it passes and stored once it ended with its result. */
    private Flux<StreamEvent> recorded(ResponseCache store, CacheLookup lookup, Flux<StreamEvent> events) {
        AnswerRecorder recorder = store.recorder();
        return events.map(event -> {
            recorder.add(event);
            if (event instanceof StreamEvent.Done done) {
                CachedAnswer answer = recorder.answer(done, clock.millis());
                if (answer != null) {
                    store.store(lookup, answer);
                }
            }
            return event instanceof StreamEvent.Committed committed ? committed.withCache(lookup.status()) : event;
        });
    }

    private static Flux<StreamEvent> marked(Flux<StreamEvent> events, CacheStatus status) {
        return events.map(event -> event instanceof StreamEvent.Committed committed ? committed.withCache(status) : event);
    }

    static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>(text.length() / PIECE + 1);
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + PIECE);
            if (end < text.length()) {
                int space = text.lastIndexOf(' ', end);
                if (space > start) {
                    end = space + 1;
                }
            }
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }
}
