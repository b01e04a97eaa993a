package dev.switchboard.api;

import dev.switchboard.support.TokenBucket;
import java.time.Clock;

/**
 * The per-socket message rate: each WebSocket connection may send {@code messages-per-second} messages
 * per second (bursts up to that many). A message over the rate is answered with an error and dropped; a
 * socket that keeps sending after as many refusals in a row is closed with 1008 (policy violation).
 * The message size limit is Reactor Netty's (see {@link SecurityConfiguration}), which closes with 1009.
 */
public final class WebSocketGuard {

    /** What to do with one incoming message. */
    public enum Verdict {
        ACCEPT, REFUSE, CLOSE
    }

    private final int perSecond;
    private final Clock clock;

    public WebSocketGuard(int perSecond, Clock clock) {
        this.perSecond = perSecond;
        this.clock = clock;
    }

    public int perSecond() {
        return perSecond;
    }

    /** A fresh rate for one socket. */
    public Rate newRate() {
        return new Rate(new TokenBucket(perSecond, 1000, clock.millis()), perSecond, clock);
    }

    /** One socket's rate. */
    public static final class Rate {

        private final TokenBucket bucket;
        private final int maxRefusals;
        private final Clock clock;
        private int refusedInARow;
        private boolean flooded;

        Rate(TokenBucket bucket, int maxRefusals, Clock clock) {
            this.bucket = bucket;
            this.maxRefusals = maxRefusals;
            this.clock = clock;
        }

        public synchronized Verdict next() {
            return next(clock.millis());
        }

        synchronized Verdict next(long nowMillis) {
            if (bucket.tryTake(nowMillis) == 0) {
                refusedInARow = 0;
                return Verdict.ACCEPT;
            }
            if (++refusedInARow >= maxRefusals) {
                flooded = true;
                return Verdict.CLOSE;
            }
            return Verdict.REFUSE;
        }

        /** Whether the socket went on flooding until {@link Verdict#CLOSE}: it is to be closed with 1008. */
        public synchronized boolean flooded() {
            return flooded;
        }
    }
}
