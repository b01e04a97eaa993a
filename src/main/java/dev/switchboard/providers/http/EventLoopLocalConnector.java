package dev.switchboard.providers.http;

import dev.switchboard.providers.UpstreamClients;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The upstream clients: connection pools per server event loop, and each upstream call made through
 * a pool of the event loop it is subscribed on. {@link #client} hands out the Reactor Netty
 * {@link HttpClient} of that loop's lane, configured once per pool for cleartext and once for TLS
 * ({@link UpstreamClientOptions}). A lane has one pool, or over HTTP/2 a few that its calls take turns
 * among, so that a burst can open several connections at once ({@link UpstreamPools}).
 *
 * <p>Why: Reactor Netty keeps one pool for all event loops, so a request accepted on one loop is often
 * handed a kept-alive upstream connection that lives on the other. Then every upstream read arrives on
 * the wrong thread and each chunk is written to the client through a task queue and an {@code eventfd}
 * wake-up of the client's loop (found in a CPU profile of 100 concurrent streams: {@code
 * MonoSendMany.trySchedule} waking the other loop for every chunk). With a pool per loop the request, its
 * upstream connection and the answer stay on one thread, as they would in a hand-written proxy.
 *
 * <p>A call subscribed on a thread that is not one of the loops (a retry after a back-off timer, a
 * background key check, a test) uses the pool picked by that thread's id, so one thread always meets the
 * same pool. The loops are looked up on the first call, not at construction: Spring starts the server's
 * loop resources after the beans are built. {@link #unbound} is the fallback before that, and for a loop
 * group that cannot be listed: one ordinary pool, as Reactor Netty would use.
 *
 * <p>The calls of one request stay on one loop: a pipeline that opens {@link #sameLoopAcrossCalls()} in
 * its Reactor context has every call it makes go through the lane of its first call, even one made from a
 * timer thread after a back-off. Without it the fallback that follows a back-off would meet the pool of
 * whatever timer thread ran it, so it could neither reuse the connection the failed attempt left in its
 * loop's pool nor answer on the loop that serves the client.
 */
public final class EventLoopLocalConnector implements UpstreamClients, Disposable {

    /**
     * Makes pool number {@code pool} of loop number {@code loop} (-1 for the fallback lane); {@code loops} is
     * how many loops there are, to divide a total limit.
     */
    @FunctionalInterface
    public interface PoolFactory {
        ConnectionProvider create(int loop, int loops, int pool);

        /** How many pools each lane has. */
        default int poolsPerLoop() {
            return 1;
        }
    }

    private final Supplier<EventLoopGroup> loopGroup;
    private final PoolFactory pools;
    private final UpstreamClientOptions.Settings settings;
    private final Lane unbound;
    private volatile Lane[] lanes;
    private volatile boolean disposed;

    /**
     * @param loopGroup the server's event loops; may return {@code null} while they are not started
     * @param pools the pool of each loop and of the fallback
     * @param settings client options applied to every loop's two clients (timeouts, keep-alive, protocol, TLS)
     */
    public EventLoopLocalConnector(Supplier<EventLoopGroup> loopGroup, PoolFactory pools,
            UpstreamClientOptions.Settings settings) {
        this.loopGroup = loopGroup;
        this.pools = pools;
        this.settings = settings;
        this.unbound = new Lane(null, -1, 1, pools, settings);
    }

    /**
     * A context entry (for {@code contextWrite}) under which every upstream call of one subscription goes
     * through the lane of its first call; an entry already in the context is kept.
     */
    public static Function<Context, Context> sameLoopAcrossCalls() {
        return context -> context.hasKey(Affinity.class) ? context : context.put(Affinity.class, new Affinity());
    }

    /** The client of the lane for a call subscribed now on this thread, under {@code context}. */
    @Override
    public HttpClient client(ContextView context, boolean tls) {
        Pool pool = poolFor(Thread.currentThread(), context.getOrDefault(Affinity.class, null));
        return tls ? pool.tls() : pool.cleartext();
    }

    /** The lane whose loop is {@code thread}, or the one this thread's id picks; for tests and metrics. */
    Lane laneOf(Thread thread) {
        return laneFor(thread, null);
    }

    /**
     * The pool of the request's earlier call if it made one on this lane, else the lane's next. The pool is
     * remembered for the request's later calls, so a fallback reuses the connection its failed attempt gave
     * back.
     */
    private Pool poolFor(Thread thread, Affinity affinity) {
        Lane lane = laneFor(thread, affinity);
        Pool earlier = affinity == null ? null : affinity.pool;
        Pool pool = earlier != null && earlier.lane() == lane ? earlier : lane.next();
        if (affinity != null) {
            affinity.pool = pool;
        }
        return pool;
    }

    /**
     * On a loop, that loop's lane; off the loops, the lane of the request's earlier call if it made one,
     * else the one the thread's id picks.
     */
    private Lane laneFor(Thread thread, Affinity affinity) {
        Lane[] known = lanes();
        if (known.length == 0) {
            return unbound;
        }
        Lane lane = loopLane(thread, known);
        if (lane == null) {
            Pool earlier = affinity == null ? null : affinity.pool;
            lane = earlier != null ? earlier.lane() : known[(int) Math.floorMod(thread.getId(), (long) known.length)];
        }
        return lane;
    }

    private static Lane loopLane(Thread thread, Lane[] known) {
        for (Lane lane : known) {
            if (lane.loop().inEventLoop(thread)) {
                return lane;
            }
        }
        return null;
    }

    int loopCount() {
        return lanes().length;
    }

    private Lane[] lanes() {
        Lane[] known = lanes;
        return known != null ? known : bind();
    }

    /** Builds the lanes once the loops exist; before that (or if they cannot be listed) there are none. */
    private synchronized Lane[] bind() {
        if (lanes != null) {
            return lanes;
        }
        EventLoopGroup group = disposed ? null : loopGroup.get();
        if (group == null) {
            return new Lane[0];
        }
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor executor : group) {
            if (executor instanceof EventLoop loop) {
                loops.add(loop);
            }
        }
        Lane[] built = new Lane[loops.size()];
        for (int i = 0; i < built.length; i++) {
            built[i] = new Lane(loops.get(i), i, built.length, pools, settings);
        }
        lanes = built;
        return built;
    }

    @Override
    public synchronized void dispose() {
        disposed = true;
        unbound.dispose();
        Lane[] known = lanes;
        if (known != null) {
            for (Lane lane : known) {
                lane.dispose();
            }
        }
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }

    /** The pool a request's calls share; written by one call at a time (the calls of a request are sequential). */
    private static final class Affinity {
        volatile Pool pool;
    }

    /**
     * One loop's pools ({@code loop} is null for the fallback lane); its calls take turns among them. The turn
     * counter is not atomic: two calls racing for it may meet the same pool, which costs nothing.
     */
    static final class Lane {

        private final EventLoop loop;
        private final Pool[] pools;
        private int turn;

        Lane(EventLoop loop, int index, int loops, PoolFactory factory, UpstreamClientOptions.Settings settings) {
            this.loop = loop;
            this.pools = new Pool[Math.max(1, factory.poolsPerLoop())];
            for (int i = 0; i < pools.length; i++) {
                pools[i] = Pool.of(this, factory.create(index, loops, i), settings);
            }
        }

        EventLoop loop() {
            return loop;
        }

        List<Pool> pools() {
            return List.of(pools);
        }

        Pool next() {
            if (pools.length == 1) {
                return pools[0];
            }
            int next = turn + 1 == pools.length ? 0 : turn + 1;
            turn = next;
            return pools[next];
        }

        void dispose() {
            for (Pool pool : pools) {
                pool.provider().dispose();
            }
        }
    }

    /** One connection pool and the clients that use it, for {@code http} and {@code https} URLs, on its lane's loop. */
    record Pool(Lane lane, ConnectionProvider provider, HttpClient cleartext, HttpClient tls) {

        static Pool of(Lane lane, ConnectionProvider provider, UpstreamClientOptions.Settings settings) {
            HttpClient client = HttpClient.create(provider);
            if (lane.loop() != null) {
                client = client.runOn(lane.loop());
            }
            return new Pool(lane, provider, settings.apply(client, false), settings.apply(client, true));
        }
    }
}
