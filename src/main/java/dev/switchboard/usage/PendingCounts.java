package dev.switchboard.usage;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;

/**
 * Counters per row, added to by requests and drained by the write-behind: one atomic array per row, one
 * slot per column of {@code C}. Draining takes and zeroes the counts; a failed write gives them back, so
 * nothing is lost while the database is away. Rows of past days that have nothing left are dropped, which
 * keeps memory bounded by the rows of about one day.
 *
 * @param <K> the row's identity
 * @param <C> the columns, in the order of the write's parameters
 */
final class PendingCounts<K, C extends Enum<C>> {

    /** One row's drained counts, indexed by column ordinal. */
    record Drained<K>(K row, long[] amounts) {
    }

    private final int columns;
    private final Function<K, LocalDate> dayOf;
    private final Map<K, AtomicLongArray> rows = new ConcurrentHashMap<>();

    PendingCounts(Class<C> columns, Function<K, LocalDate> dayOf) {
        this.columns = columns.getEnumConstants().length;
        this.dayOf = dayOf;
    }

    void add(K row, C column, long amount) {
        if (amount != 0) {
            counters(row).addAndGet(column.ordinal(), amount);
        }
    }

    void increment(K row, C column) {
        counters(row).incrementAndGet(column.ordinal());
    }

    /** Takes every row's counts (zeroing them); rows of days before {@code today} with nothing left go. */
    List<Drained<K>> drain(LocalDate today) {
        List<Drained<K>> out = new ArrayList<>();
        for (Map.Entry<K, AtomicLongArray> entry : rows.entrySet()) {
            long[] amounts = take(entry.getValue());
            if (amounts != null) {
                out.add(new Drained<>(entry.getKey(), amounts));
            } else if (dayOf.apply(entry.getKey()).isBefore(today)) {
                // a request counts on the day it ends, so a past day's row gets no new counts
                rows.remove(entry.getKey(), entry.getValue());
            }
        }
        return out;
    }

    /** Puts counts that could not be written back, to go with the next drain. */
    void giveBack(Drained<K> drained) {
        AtomicLongArray counters = counters(drained.row());
        long[] amounts = drained.amounts();
        for (int i = 0; i < amounts.length; i++) {
            counters.addAndGet(i, amounts[i]);
        }
    }

    /** Rows with counts waiting to be written. */
    int pendingRows() {
        int n = 0;
        for (AtomicLongArray counters : rows.values()) {
            for (int i = 0; i < counters.length(); i++) {
                if (counters.get(i) != 0) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    private AtomicLongArray counters(K row) {
        AtomicLongArray known = rows.get(row);
        return known != null ? known : rows.computeIfAbsent(row, r -> new AtomicLongArray(columns));
    }

    private static long[] take(AtomicLongArray counters) {
        long[] amounts = new long[counters.length()];
        boolean any = false;
        for (int i = 0; i < amounts.length; i++) {
            amounts[i] = counters.getAndSet(i, 0);
            any |= amounts[i] != 0;
        }
        return any ? amounts : null;
    }
}
