package dev.switchboard.routing;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.config.AffinityProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Prompt-cache affinity: requests of one conversation go to the same key (and on Path A the same provider),
 * where the provider has their prompt prefix in its cache.
 *
 * <p>A request's affinity is a 64-bit hash of, in this order of precedence, its explicit affinity key
 * ({@code x-switchboard-affinity}, OpenAI's {@code prompt_cache_key}), its {@code user} field, or its
 * conversation's prefix (the system prompt and the first {@code turns} other messages); the last two only
 * for prompts of at least {@code min-prompt-chars}, as providers cache only long prefixes. The candidate is
 * chosen by rendezvous (highest random weight) hashing: each usable candidate gets the weight
 * {@code mix(affinity, name)} and the heaviest goes first. A candidate that leaves (cooling, disabled) moves
 * only its own conversations, to their next heaviest; the others stay where their cache is.
 */
final class Affinity {

    /** No affinity: the request is routed as if the feature were off. */
    static final long NONE = 0;

    private Affinity() {
    }

    /** The request's affinity, or {@link #NONE}. */
    static long of(ChatCommand command, AffinityProperties properties) {
        if (!properties.enabled()) {
            return NONE;
        }
        String explicit = command.hints().affinityKey();
        if (explicit != null) {
            return nonZero(hash("key\u0000" + explicit));
        }
        if (command.promptChars() < properties.minPromptChars()) {
            return NONE;
        }
        String user = command.options().user();
        if (user != null && !user.isBlank()) {
            return nonZero(hash("user\u0000" + user));
        }
        return prefix(command.messages(), properties.turns());
    }

    /** The hash of the system messages and the first {@code turns} others; NONE when there are fewer. */
    private static long prefix(List<ChatMessage> messages, int turns) {
        long h = 0xcbf29ce484222325L;
        int others = 0;
        for (ChatMessage message : messages) {
            boolean system = "system".equals(message.role()) || "developer".equals(message.role());
            if (!system) {
                if (others == turns) {
                    break;
                }
                others++;
            }
            h = fnv(h, message.role());
            h = fnv(h, message.content());
        }
        return others < turns ? NONE : nonZero(mix(h));
    }

    /**
     * The candidates with the heaviest usable one (for this affinity) first and the rest in their order;
     * unchanged when the affinity is NONE or none is usable.
     */
    static <T> List<T> heaviestFirst(List<T> candidates, long affinity, Predicate<T> usable, Function<T, String> name) {
        if (affinity == NONE || candidates.size() < 2) {
            return candidates;
        }
        int best = -1;
        long bestWeight = 0;
        for (int i = 0; i < candidates.size(); i++) {
            T candidate = candidates.get(i);
            if (!usable.test(candidate)) {
                continue;
            }
            long weight = mix(affinity ^ hash(name.apply(candidate)));
            if (best < 0 || Long.compareUnsigned(weight, bestWeight) > 0) {
                best = i;
                bestWeight = weight;
            }
        }
        if (best <= 0) {
            return candidates;
        }
        List<T> ordered = new ArrayList<>(candidates.size());
        ordered.add(candidates.get(best));
        for (int i = 0; i < candidates.size(); i++) {
            if (i != best) {
                ordered.add(candidates.get(i));
            }
        }
        return ordered;
    }

    static long hash(String text) {
        return mix(fnv(0xcbf29ce484222325L, text));
    }

    private static long fnv(long h, String text) {
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        return (h ^ 0xff) * 0x100000001b3L;
    }

    /** The finaliser of MurmurHash3: every input bit moves every output bit. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private static long nonZero(long h) {
        return h == NONE ? 1 : h;
    }
}
