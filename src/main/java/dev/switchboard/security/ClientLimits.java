package dev.switchboard.security;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.chat.Usage;
import dev.switchboard.web.ClientIdentity;
import dev.switchboard.routing.RequestAdmission;
import dev.switchboard.routing.RequestObserver;
import dev.switchboard.routing.RequestRun;
import dev.switchboard.support.TokenBucket;
import dev.switchboard.web.ClientIdentity;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-client limits on every chat request, whatever the surface (sync, SSE, WebSocket message, OpenAI,
 * task): requests per minute (a token bucket), requests and tokens per UTC day, and chat requests in
 * flight at once. Over any of them the request is refused with a 429 and a retry hint before it is
 * routed. Tokens count when a request ends (its reported or estimated usage), so requests already in
 * flight may take a client a little past its token budget.
 *
 * <p>Requests without a client ({@code anonymous}, demo mode) and the operator's own ({@code admin})
 * are not limited here.
 */
public final class ClientLimits implements RequestAdmission, RequestObserver {

    /** The client id of requests made with the admin token. */
    public static final String ADMIN = ClientIdentity.ADMIN;
    private static final long MINUTE = 60_000;

    private final ClientDirectory directory;
    private final Clock clock;
    private final int maxConcurrent;
    private final Map<String, Meter> meters = new ConcurrentHashMap<>();

    public ClientLimits(ClientDirectory directory, Clock clock, int maxConcurrent) {
        this.directory = directory;
        this.clock = clock;
        this.maxConcurrent = maxConcurrent;
    }

    @Override
    public Permit admit(ChatCommand command) {
        String id = command.clientId();
        if (ChatCommand.ANONYMOUS.equals(id) || ADMIN.equals(id)) {
            return Permit.NONE;
        }
        ClientRecord client = directory.get(id);
        if (client == null) {
            // revoked after this request was authenticated: let it finish, nothing to measure it against
            return Permit.NONE;
        }
        long now = clock.millis();
        Meter meter = meters.computeIfAbsent(id, k -> new Meter(client.requestsPerMinute(), now));
        return meter.admit(client, now, today());
    }

    @Override
    public void ended(RequestRun run) {
        Usage usage = run.usage();
        Meter meter = meters.get(run.command().clientId());
        if (meter != null && usage != null && usage.totalTokens() > 0) {
            meter.tally.addTokens(today(), usage.totalTokens());
        }
    }

    /** Today's requests and tokens of a client on this instance's view (for the admin API). */
    long[] usageToday(String clientId) {
        Meter meter = meters.get(clientId);
        long today = today();
        return meter == null ? new long[2] : new long[] {meter.tally.requests(today), meter.tally.tokens(today)};
    }

    Map<String, DailyTally> tallies() {
        Map<String, DailyTally> out = new ConcurrentHashMap<>();
        meters.forEach((id, meter) -> out.put(id, meter.tally));
        return out;
    }

    void forget(String clientId) {
        meters.remove(clientId);
    }

    long today() {
        return Math.floorDiv(clock.millis(), TimeUnit.DAYS.toMillis(1));
    }

    private Duration untilTomorrow() {
        long dayMillis = TimeUnit.DAYS.toMillis(1);
        return Duration.ofMillis(dayMillis - Math.floorMod(clock.millis(), dayMillis));
    }

    /** One client's counters. */
    private final class Meter {

        private final TokenBucket perMinute;
        private final AtomicInteger inFlight = new AtomicInteger();
        private final DailyTally tally = new DailyTally();

        Meter(int requestsPerMinute, long now) {
            this.perMinute = requestsPerMinute > 0 ? new TokenBucket(requestsPerMinute, MINUTE, now) : null;
        }

        Permit admit(ClientRecord client, long now, long today) {
            String budget = tally.tryCount(today, client.dailyRequests(), client.dailyTokens());
            if (budget != null) {
                throw refused("client_daily_" + budget + "_exceeded", "The client's daily " + budget + " budget ("
                        + ("tokens".equals(budget) ? client.dailyTokens() : client.dailyRequests())
                        + ") is used up; it renews at 00:00 UTC.", untilTomorrow());
            }
            if (maxConcurrent > 0 && inFlight.incrementAndGet() > maxConcurrent) {
                inFlight.decrementAndGet();
                tally.uncount(today);
                throw refused("too_many_concurrent_streams", "The client already has " + maxConcurrent
                        + " requests in flight; wait for one to finish.", Duration.ofSeconds(1));
            }
            long wait = perMinute == null ? 0 : perMinute.tryTake(now);
            if (wait > 0) {
                release();
                tally.uncount(today);
                throw refused("client_rate_limited", "The client's limit of " + client.requestsPerMinute()
                        + " requests per minute is reached.", Duration.ofMillis(wait));
            }
            AtomicBoolean released = new AtomicBoolean();
            return () -> {
                if (released.compareAndSet(false, true)) {
                    release();
                }
            };
        }

        private void release() {
            if (maxConcurrent > 0) {
                inFlight.decrementAndGet();
            }
        }
    }

    private static GatewayException refused(String code, String message, Duration retryAfter) {
        return new GatewayException(429, "rate_limit_error", code, message, retryAfter);
    }
}
