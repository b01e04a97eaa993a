package dev.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DailyTallyTest {

    private final DailyTally tally = new DailyTally();

    @Test
    void countsRequestsUntilTheBudgetIsUsedUp() {
        assertThat(tally.tryCount(1, 2, 0)).isNull();
        assertThat(tally.tryCount(1, 2, 0)).isNull();
        assertThat(tally.tryCount(1, 2, 0)).isEqualTo("requests");
        assertThat(tally.requests(1)).isEqualTo(2);
    }

    @Test
    void refusesOnceTheTokensReachTheBudget() {
        tally.tryCount(1, 0, 100);
        tally.addTokens(1, 100);

        assertThat(tally.tryCount(1, 0, 100)).isEqualTo("tokens");
    }

    @Test
    void aNewDayStartsFromZero() {
        tally.tryCount(1, 1, 0);

        assertThat(tally.tryCount(1, 1, 0)).isEqualTo("requests");
        assertThat(tally.tryCount(2, 1, 0)).isNull();
    }

    @Test
    void theTotalsOfEveryInstanceReplaceTheOwnCountsOnSync() {
        tally.tryCount(1, 0, 0);
        tally.addTokens(1, 10);
        DailyTally.Delta delta = tally.take(1);

        assertThat(delta).isEqualTo(new DailyTally.Delta(1, 1, 10));
        assertThat(tally.requests(1)).as("still counted while the write runs").isEqualTo(1);
        tally.tryCount(1, 0, 0);
        tally.synced(delta, 40, 400);

        assertThat(tally.requests(1)).as("40 of all instances plus one counted since").isEqualTo(41);
        assertThat(tally.tokens(1)).isEqualTo(400);
        assertThat(tally.needsSync(1)).isTrue();
    }

    @Test
    void aFailedWriteIsKeptForTheNextSync() {
        tally.tryCount(1, 0, 0);
        DailyTally.Delta delta = tally.take(1);

        tally.failed(delta);

        assertThat(tally.requests(1)).isEqualTo(1);
        assertThat(tally.take(1)).isEqualTo(new DailyTally.Delta(1, 1, 0));
    }
}
