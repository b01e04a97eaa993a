package dev.switchboard.database;

import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.dao.NonTransientDataAccessResourceException;

/**
 * Whether a failed write was refused for what one of its rows holds (a value too long for its column, a
 * constraint), as opposed to the database being away or failing. A batch refused so is written again row by
 * row, so that one bad row cannot hold back the rows written with it; a batch that failed for the database is
 * kept whole for the next try.
 */
public final class RowRefusal {

    private RowRefusal() {
    }

    public static boolean isRowProblem(Throwable error) {
        return error instanceof NonTransientDataAccessException
                && !(error instanceof NonTransientDataAccessResourceException);
    }
}
