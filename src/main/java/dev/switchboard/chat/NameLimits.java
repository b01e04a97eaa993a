package dev.switchboard.chat;

import org.jspecify.annotations.Nullable;

/**
 * The longest model name and key alias the gateway accepts: the widths of the columns that store them
 * ({@code usage_daily}, {@code daily_counters}, {@code request_log}, {@code key_state}). A longer name is refused
 * where it enters (the request, the key API, the configuration, a task template) with a clear error. Let in, it
 * would be refused by the database instead, and every usage row, counter and request-log row that names it
 * would be kept pending, retried or dropped (docs/PERFORMANCE.md).
 */
public final class NameLimits {

    /** Characters of a model name ({@code varchar(200)}). */
    public static final int MODEL = 200;
    /** Characters of a key alias ({@code varchar(128)}). */
    public static final int KEY_ALIAS = 128;

    private NameLimits() {
    }

    /** Whether a model name fits; {@code null} (no model named) does. */
    public static boolean modelFits(@Nullable String model) {
        return model == null || model.length() <= MODEL;
    }

    /** Whether a key alias fits; {@code null} (the default alias) does. */
    public static boolean aliasFits(@Nullable String alias) {
        return alias == null || alias.length() <= KEY_ALIAS;
    }

    /** What a configuration or template problem says of a name over {@code limit}: "at most N characters". */
    public static String atMost(int limit) {
        return "at most " + limit + " characters";
    }
}
