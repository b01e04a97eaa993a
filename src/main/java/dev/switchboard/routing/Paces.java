package dev.switchboard.routing;

import dev.switchboard.config.LatencyProperties;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The running figures ({@link Pace}) of every key, every provider and all of them together, and the choice
 * they drive: {@code key-strategy: latency} and {@code provider-order: latency} pick the first candidate by
 * the power of two choices. Two candidates are drawn at random from those that can take a call now and the
 * cheaper one goes first ({@link Pace#cost}: running time to first content × (calls in flight + 1) ×
 * (1 + error penalty × error rate)); the rest keep their round-robin order, so a fallback still tries them.
 * Comparing only two keeps one slow candidate from ever being the first choice while it is slow, yet avoids
 * sending every request to the single best one (the herd effect of always taking the minimum).
 *
 * <p>A key's time to first content fades towards its provider's, a provider's towards all providers'; see
 * {@link Pace} for how a slow key wins its share back once it is fast again.
 */
public final class Paces {

    /** Two costs closer than this ratio count as equal. */
    static final double TIE_BAND = 0.9;

    private final Clock clock;
    private final double tauMillis;
    private final double errorPenalty;
    private final Pace all;
    private final Map<String, Pace> providers = new ConcurrentHashMap<>();
    /** Per provider, per key alias: two lookups, so a request builds no combined key string. */
    private final Map<String, Map<String, Pace>> keys = new ConcurrentHashMap<>();

    public Paces(LatencyProperties properties, Clock clock) {
        this.clock = clock;
        this.tauMillis = properties.decay().toMillis();
        this.errorPenalty = properties.errorPenalty();
        this.all = new Pace(tauMillis);
    }

    Pace provider(String provider) {
        Pace pace = providers.get(provider);
        return pace != null ? pace : providers.computeIfAbsent(provider, p -> new Pace(tauMillis));
    }

    Pace key(String provider, String alias) {
        Map<String, Pace> ofProvider = keys.get(provider);
        if (ofProvider == null) {
            ofProvider = keys.computeIfAbsent(provider, p -> new ConcurrentHashMap<>());
        }
        Pace pace = ofProvider.get(alias);
        return pace != null ? pace : ofProvider.computeIfAbsent(alias, a -> new Pace(tauMillis));
    }

    /** An upstream call with this candidate starts: it is in flight until {@link #ended}. */
    void started(Candidate candidate) {
        all.started();
        provider(candidate.provider().name()).started();
        key(candidate.provider().name(), candidate.key().alias()).started();
    }

    void ended(Candidate candidate) {
        all.ended();
        provider(candidate.provider().name()).ended();
        key(candidate.provider().name(), candidate.key().alias()).ended();
    }

    /**
     * The call's first content came after {@code millis} (for an answer that is not streamed: the whole
     * answer; for a call cancelled before its first content, the time it had waited, a lower bound).
     */
    void firstContent(Candidate candidate, long millis) {
        long now = clock.millis();
        all.firstContent(millis, now);
        provider(candidate.provider().name()).firstContent(millis, now);
        key(candidate.provider().name(), candidate.key().alias()).firstContent(millis, now);
    }

    /** The call succeeded, or failed for a reason of the key's or the provider's. */
    void outcome(Candidate candidate, boolean failed) {
        long now = clock.millis();
        all.outcome(failed, now);
        provider(candidate.provider().name()).outcome(failed, now);
        key(candidate.provider().name(), candidate.key().alias()).outcome(failed, now);
    }

    /**
     * A call that succeeded: its outcome and its prompt tokens (and the part read from the provider's prompt
     * cache), and for a whole answer its time to first content; the key's and provider's figures looked up once.
     *
     * @param firstContentMillis the time to first content to record, or a negative value when it was recorded
     *     already (a stream's, at its first content)
     */
    void succeeded(Candidate candidate, long firstContentMillis, int prompt, int cached) {
        long now = clock.millis();
        Pace ofProvider = provider(candidate.provider().name());
        Pace ofKey = key(candidate.provider().name(), candidate.key().alias());
        if (firstContentMillis >= 0) {
            all.firstContent(firstContentMillis, now);
            ofProvider.firstContent(firstContentMillis, now);
            ofKey.firstContent(firstContentMillis, now);
        }
        all.outcome(false, now);
        ofProvider.outcome(false, now);
        ofKey.outcome(false, now);
        all.tokens(prompt, cached);
        ofProvider.tokens(prompt, cached);
        ofKey.tokens(prompt, cached);
    }

    /**
     * The provider's keys in the order this request tries them: for {@code key-strategy: latency} the
     * winner of the power of two choices among the keys {@code usable} now comes first, the rest keep the
     * rotation's order; any other strategy leaves the rotation as it is.
     */
    List<ApiKey> order(Provider provider, List<ApiKey> rotation, Predicate<ApiKey> usable) {
        if (provider.keys().strategy() != KeyStrategy.LATENCY || rotation.size() < 2) {
            return rotation;
        }
        long now = clock.millis();
        double prior = provider(provider.name()).firstContentMillis(now, all.firstContentMillis(now, 0));
        return winnerFirst(rotation, usable, key -> key(provider.name(), key.alias()).cost(now, prior, errorPenalty));
    }

    /** Path A's providers with the winner of the power of two choices among those {@code usable} first. */
    List<Provider> orderProviders(List<Provider> rotation, Predicate<Provider> usable) {
        if (rotation.size() < 2) {
            return rotation;
        }
        long now = clock.millis();
        double prior = all.firstContentMillis(now, 0);
        return winnerFirst(rotation, usable, p -> provider(p.name()).cost(now, prior, errorPenalty));
    }

    private static <T> List<T> winnerFirst(List<T> rotation, Predicate<T> usable, Cost<T> cost) {
        List<Integer> able = new ArrayList<>(rotation.size());
        for (int i = 0; i < rotation.size(); i++) {
            if (usable.test(rotation.get(i))) {
                able.add(i);
            }
        }
        if (able.isEmpty()) {
            return rotation;
        }
        int winner = able.get(0);
        if (able.size() > 1) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int a = random.nextInt(able.size());
            int b = random.nextInt(able.size() - 1);
            if (b >= a) {
                b++;
            }
            int first = able.get(a);
            int second = able.get(b);
            double costA = cost.of(rotation.get(first));
            double costB = cost.of(rotation.get(second));
            // costs within the tie band keep the rotation's order, so candidates about as good share the traffic
            // round-robin, and one that was slow is tried again once its faded figure comes near the others'
            if (costA < costB * TIE_BAND) {
                winner = first;
            } else if (costB < costA * TIE_BAND) {
                winner = second;
            } else {
                winner = Math.min(first, second);
            }
        }
        if (winner == 0) {
            return rotation;
        }
        List<T> ordered = new ArrayList<>(rotation.size());
        ordered.add(rotation.get(winner));
        for (int i = 0; i < rotation.size(); i++) {
            if (i != winner) {
                ordered.add(rotation.get(i));
            }
        }
        return ordered;
    }

    @FunctionalInterface
    private interface Cost<T> {
        double of(T candidate);
    }

    /** The figures of one provider as status pages show them. */
    public PaceView view(String provider) {
        long now = clock.millis();
        return view(providers.get(provider), now, all.firstContentMillis(now, 0));
    }

    /** The figures of one key as status pages show them. */
    public PaceView view(String provider, String alias) {
        long now = clock.millis();
        double prior = provider(provider).firstContentMillis(now, all.firstContentMillis(now, 0));
        Map<String, Pace> ofProvider = keys.get(provider);
        return view(ofProvider == null ? null : ofProvider.get(alias), now, prior);
    }

    private PaceView view(@Nullable Pace pace, long now, double prior) {
        if (pace == null) {
            return PaceView.NONE;
        }
        Double ttfc = pace.measured() ? Math.round(pace.firstContentMillis(now, prior) * 10) / 10.0 : null;
        return new PaceView(ttfc, Math.round(pace.errorRate(now) * 10_000) / 10_000.0, pace.inFlight(), pace.calls(),
                Math.round(pace.cost(now, prior, errorPenalty) * 10) / 10.0, pace.promptTokens(), pace.cachedTokens());
    }
}
