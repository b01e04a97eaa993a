package dev.switchboard.providers;

import dev.switchboard.config.KeyProperties;
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
 * {@code <NAME>_API_KEY}, then the explicit {@code api-keys} list. Duplicates are dropped (first wins).
 * {@code <NAME>} is the provider name upper-cased with dashes and dots turned into underscores.
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
        for (String secret : numbered(prefix)) {
            addKey(bySecret, provider, secret, null, 100, 0, true);
        }
        String single = trimToNull(lookup.apply(prefix + "_API_KEY"));
        if (single != null) {
            addKey(bySecret, provider, single, null, 100, 0, true);
        }
        for (int i = 0; i < explicit.size(); i++) {
            KeyProperties props = explicit.get(i);
            String secret = explicitSecret(provider, i, props);
            addKey(bySecret, provider, secret, trimToNull(props.name()), props.priority(), props.dailyLimit(),
                    props.enabled());
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

    private List<String> numbered(String prefix) {
        Pattern pattern = Pattern.compile(Pattern.quote(prefix) + "_API_KEY_(\\d{1,6})");
        TreeMap<Integer, String> byNumber = new TreeMap<>();
        for (String name : variableNames) {
            Matcher m = pattern.matcher(name);
            if (m.matches()) {
                String value = trimToNull(lookup.apply(name));
                if (value != null) {
                    byNumber.put(Integer.parseInt(m.group(1)), value);
                }
            }
        }
        return new ArrayList<>(byNumber.values());
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
