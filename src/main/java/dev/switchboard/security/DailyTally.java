package dev.switchboard.security;

/**
 * One client's requests and tokens of the current UTC day: what PostgreSQL said the total of every
 * instance was at the last sync, plus what this instance counted since. A new day starts from zero.
 */
final class DailyTally {

    /** What one sync adds to PostgreSQL. */
    record Delta(long epochDay, long requests, long tokens) {

        boolean isEmpty() {
            return requests == 0 && tokens == 0;
        }
    }

    private long epochDay = Long.MIN_VALUE;
    private long requests;
    private long tokens;
    private long pendingRequests;
    private long pendingTokens;
    private boolean synced;

    private void roll(long today) {
        if (today != epochDay) {
            epochDay = today;
            requests = 0;
            tokens = 0;
            pendingRequests = 0;
            pendingTokens = 0;
            synced = false;
        }
    }

    /** Counts a request unless a budget (0 = none) is used up; answers which one is, or null. */
    synchronized String tryCount(long today, long requestBudget, long tokenBudget) {
        roll(today);
        if (tokenBudget > 0 && tokens + pendingTokens >= tokenBudget) {
            return "tokens";
        }
        if (requestBudget > 0 && requests + pendingRequests >= requestBudget) {
            return "requests";
        }
        pendingRequests++;
        return null;
    }

    /** A request that was counted but refused by a later check is taken back. */
    synchronized void uncount(long today) {
        if (today == epochDay && pendingRequests > 0) {
            pendingRequests--;
        }
    }

    synchronized void addTokens(long today, long n) {
        roll(today);
        pendingTokens += n;
    }

    synchronized long requests(long today) {
        roll(today);
        return requests + pendingRequests;
    }

    synchronized long tokens(long today) {
        roll(today);
        return tokens + pendingTokens;
    }

    /** Whether a sync would change anything: counts to add, or never read from PostgreSQL today. */
    synchronized boolean needsSync(long today) {
        roll(today);
        return !synced || pendingRequests > 0 || pendingTokens > 0;
    }

    /** Moves what is pending into the totals while it is being written, and answers it. */
    synchronized Delta take(long today) {
        roll(today);
        Delta delta = new Delta(epochDay, pendingRequests, pendingTokens);
        requests += pendingRequests;
        tokens += pendingTokens;
        pendingRequests = 0;
        pendingTokens = 0;
        return delta;
    }

    /** PostgreSQL's totals after adding the delta (every instance's counts). */
    synchronized void synced(Delta delta, long totalRequests, long totalTokens) {
        if (delta.epochDay() == epochDay) {
            requests = totalRequests;
            tokens = totalTokens;
            synced = true;
        }
    }

    synchronized void failed(Delta delta) {
        if (delta.epochDay() == epochDay) {
            requests -= delta.requests();
            tokens -= delta.tokens();
            pendingRequests += delta.requests();
            pendingTokens += delta.tokens();
        }
    }
}
