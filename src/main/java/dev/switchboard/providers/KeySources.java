package dev.switchboard.providers;

import dev.switchboard.config.KeyProperties;
import dev.switchboard.config.ProviderProperties;
import dev.switchboard.config.SwitchboardProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;

/**
 * Collects a provider's keys from every place users keep them, in this order:
 * {@code <NAME>_API_KEYS="k1,k2"}, {@code <NAME>_API_KEY_1..N} (gaps allowed, sorted by number),
 * {@code <NAME>_API_KEY}, then the explicit {@code api-keys} list. Duplicates are dropped (first wins), except
 * that a key listed in {@code api-keys} keeps its name, priority, limit and switch where a variable read
 * above holds it too.
 * {@code <NAME>} is the provider name upper-cased with dashes and dots turned into underscores.
 *
 * <p>Seed 001's names work too: {@code <NAME>_KEY_2}, {@code <NAME>_KEY_3}... are numbered keys like
 * {@code <NAME>_API_KEY_N} (at the same number the {@code _API_KEY_N} one comes first), and where they are
 * used and no key has number 1, {@code <NAME>_API_KEY} is the primary key: number 1, ahead of them.
 */
public final class KeySources {

    private final Function<String, String> lookup;
    private final Iterable<String> variableNames;

    /**
     * @param lookup resolves a variable (environment or property) to its value, or null
     * @param variableNames every variable name that could be a numbered key
     */
    public KeySources(Function<String, String> lookup, Iterable<String> variableNames) {
        this.lookup = lookup;
        this.variableNames = variableNames;
    }

    /** Reads keys from a Spring environment (its enumerable sources give the numbered variable names). */
    public static KeySources of(ConfigurableEnvironment environment) {
        List<String> names = new ArrayList<>();
        environment.getPropertySources().forEach(source -> {
            if (source instanceof EnumerablePropertySource<?> enumerable) {
                names.addAll(List.of(enumerable.getPropertyNames()));
            }
        });
        return new KeySources(environment::getProperty, names);
    }

    public static String envPrefix(String provider) {
        return provider.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    /** Loads the keys; fails with a message naming the provider and field, never the key. */
    public List<ApiKey> load(String provider, List<KeyProperties> explicit) {
        String prefix = envPrefix(provider);
        Map<String, ApiKey> bySecret = new LinkedHashMap<>();
        for (String secret : fromList(lookup.apply(prefix + "_API_KEYS"))) {
            addKey(bySecret, provider, secret, null, 100, 0, true);
        }
        Numbered numbered = numbered(prefix);
        String single = trimToNull(lookup.apply(prefix + "_API_KEY"));
        boolean primary = numbered.seedForm() && !numbered.hasNumberOne();
        if (single != null && primary) {
            addKey(bySecret, provider, single, null, 100, 0, true);
        }
        for (String secret : numbered.secrets()) {
            addKey(bySecret, provider, secret, null, 100, 0, true);
        }
        if (single != null && !primary) {
            addKey(bySecret, provider, single, null, 100, 0, true);
        }
        for (int i = 0; i < explicit.size(); i++) {
            KeyProperties props = explicit.get(i);
            String secret = explicitSecret(provider, i, props);
            ApiKey fromEnvironment = bySecret.get(secret);
            if (fromEnvironment != null) {
                // the same key by its variable and in api-keys (seed 001's key_env list): the explicit settings win
                String name = trimToNull(props.name());
                bySecret.put(secret, new ApiKey(name != null ? name : fromEnvironment.alias(), secret, props.priority(),
                        props.dailyLimit(), props.enabled()));
            } else {
                addKey(bySecret, provider, secret, trimToNull(props.name()), props.priority(), props.dailyLimit(),
                        props.enabled());
            }
        }
        return List.copyOf(bySecret.values());
    }

    private String explicitSecret(String provider, int index, KeyProperties props) {
        String field = "switchboard.providers." + provider + ".api-keys[" + index + "]";
        if (props.keyEnv() != null && props.key() != null) {
            throw new IllegalStateException(field + ": set either key-env or key, not both");
        }
        if (props.keyEnv() != null) {
            String value = trimToNull(lookup.apply(props.keyEnv()));
            if (value == null) {
                throw new IllegalStateException(field + ".key-env: environment variable " + props.keyEnv()
                        + " is not set or empty");
            }
            return value;
        }
        String literal = trimToNull(props.key());
        if (literal == null) {
            throw new IllegalStateException(field + ": needs key-env (or key)");
        }
        return literal;
    }

    private static void addKey(Map<String, ApiKey> bySecret, String provider, String secret, String name,
            int priority, long dailyLimit, boolean enabled) {
        if (bySecret.containsKey(secret)) {
            return;
        }
        String alias = name != null ? name : provider + "#" + (bySecret.size() + 1);
        bySecret.put(secret, new ApiKey(alias, secret, priority, dailyLimit, enabled));
    }

    /** The numbered keys by number, whether seed 001's {@code <NAME>_KEY_N} form is among them, and number 1. */
    private record Numbered(List<String> secrets, boolean seedForm, boolean hasNumberOne) {
    }

    private Numbered numbered(String prefix) {
        Pattern pattern = Pattern.compile(Pattern.quote(prefix) + "_(API_)?KEY_(\\d{1,6})");
        TreeMap<Long, String> byNumber = new TreeMap<>();
        boolean seedForm = false;
        boolean one = false;
        for (String name : variableNames) {
            Matcher m = pattern.matcher(name);
            if (m.matches()) {
                String value = trimToNull(lookup.apply(name));
                if (value != null) {
                    boolean alias = m.group(1) == null;
                    long number = Long.parseLong(m.group(2));
                    byNumber.put(number * 2 + (alias ? 1 : 0), value);
                    seedForm |= alias;
                    one |= number == 1;
                }
            }
        }
        return new Numbered(new ArrayList<>(byNumber.values()), seedForm, one);
    }

    /** Seed 003's {@code <NAME>_CHAT_MODEL}: the provider's default model when set, else null. */
    public String chatModel(String provider) {
        return trimToNull(lookup.apply(envPrefix(provider) + "_CHAT_MODEL"));
    }

    /**
     * The settings with each provider's {@code default-model} taken from {@code <NAME>_CHAT_MODEL} where that
     * variable is set (the environment wins over the files, as everywhere in Spring).
     */
    public SwitchboardProperties withChatModels(SwitchboardProperties properties) {
        Map<String, ProviderProperties> providers = new LinkedHashMap<>();
        boolean changed = false;
        for (Map.Entry<String, ProviderProperties> entry : properties.providers().entrySet()) {
            ProviderProperties p = entry.getValue();
            String model = chatModel(entry.getKey());
            if (model != null && !model.equals(p.defaultModel())) {
                p = new ProviderProperties(p.type(), p.format(), p.baseUrl(), model, p.models(), p.priority(), p.enabled(),
                        p.autoRoute(), p.apiKeys(), p.headers(), p.dailyLimit(), p.maxConcurrent(), p.errorOverrides(),
                        p.keyStrategy(), p.keyFormatCheck());
                changed = true;
            }
            providers.put(entry.getKey(), p);
        }
        return !changed ? properties : new SwitchboardProperties(properties.routing(), properties.keys(),
                properties.resilience(), properties.usage(), providers, properties.simulator(), properties.database());
    }

    private static List<String> fromList(String csv) {
        List<String> out = new ArrayList<>();
        if (csv == null) {
            return out;
        }
        for (String part : csv.split(",")) {
            String trimmed = part.trim();
            if (!trimmed.isEmpty()) {
                out.add(trimmed);
            }
        }
        return out;
    }

    private static String trimToNull(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim();
        return t.isEmpty() ? null : t;
    }
}
