package dev.switchboard.usage;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

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

    /**
     * One row's counters. A request looks its row up once and adds every column to what it got: the lookup
     * hashes the whole row identity (a record of a day and three strings), so once per column cost about as
     * much as the counting itself.
     */
    static final class RowCounts<C extends Enum<C>> {

        private final AtomicLongArray slots;

        private RowCounts(int columns) {
            this.slots = new AtomicLongArray(columns);
        }

        void add(C column, long amount) {
            if (amount != 0) {
                slots.addAndGet(column.ordinal(), amount);
            }
        }

        void increment(C column) {
            slots.incrementAndGet(column.ordinal());
        }

        /** The counts, zeroing them; null when all were zero. */
        private long @Nullable [] take() {
            long[] amounts = new long[slots.length()];
            boolean any = false;
            for (int i = 0; i < amounts.length; i++) {
                amounts[i] = slots.getAndSet(i, 0);
                any |= amounts[i] != 0;
            }
            return any ? amounts : null;
        }

        private void addAll(long[] amounts) {
            for (int i = 0; i < amounts.length; i++) {
                slots.addAndGet(i, amounts[i]);
            }
        }

        private boolean pending() {
            for (int i = 0; i < slots.length(); i++) {
                if (slots.get(i) != 0) {
                    return true;
                }
            }
            return false;
        }
    }

    private final int columns;
    private final Function<K, LocalDate> dayOf;
    private final Map<K, RowCounts<C>> rows = new ConcurrentHashMap<>();

    PendingCounts(Class<C> columns, Function<K, LocalDate> dayOf) {
        this.columns = columns.getEnumConstants().length;
        this.dayOf = dayOf;
    }

    /** The counters of {@code row}, created at its first count. */
    RowCounts<C> row(K row) {
        RowCounts<C> known = rows.get(row);
        return known != null ? known : rows.computeIfAbsent(row, r -> new RowCounts<>(columns));
    }

    /** Takes every row's counts (zeroing them); rows of days before {@code today} with nothing left go. */
    List<Drained<K>> drain(LocalDate today) {
        List<Drained<K>> out = new ArrayList<>();
        for (Map.Entry<K, RowCounts<C>> entry : rows.entrySet()) {
            long[] amounts = entry.getValue().take();
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
        row(drained.row()).addAll(drained.amounts());
    }

    /** Rows with counts waiting to be written. */
    int pendingRows() {
        int n = 0;
        for (RowCounts<C> row : rows.values()) {
            if (row.pending()) {
                n++;
            }
        }
        return n;
    }
}
